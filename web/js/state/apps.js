/**
 * Bot apps in the state: the apps I may open (GET /api/v1/apps) and which one the main pane
 * shows (`ui.appOpen`: { bot, path }). Called by reducer.js; docs/apps.md.
 *
 *   state = reduceApps(state, { type: "apps/loaded", apps });
 *   state = reduceApps(state, { type: "ui/openApp", bot: "poll", path: "" });
 */

export const APP_ACTIONS = new Set(["apps/loaded", "ui/openApp"]);

export function reduceApps(state, action) {
  switch (action.type) {
    case "apps/loaded":
      return { ...state, apps: action.apps, appsLoaded: true };
    case "ui/openApp":
      return {
        ...state,
        ui: {
          ...state.ui,
          appOpen: { bot: action.bot, path: action.path || "" },
          inboxOpen: false,
          threadRootId: null,
          editingId: null,
          drawerOpen: false,
          switcherOpen: false,
          focusMessageId: null,
        },
      };
    default:
      return state;
  }
}

/** The app I may open named `bot`, or undefined. */
export const appNamed = (state, bot) => (state.apps || []).find((app) => app.bot === bot);
