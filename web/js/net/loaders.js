/**
 * Loading what the client shows over HTTP: message pages, history, threads, members,
 * presence, people, departments and slash commands. Each loader dispatches what it got;
 * failures that matter to the reader become a notice, the rest are retried when next needed.
 *
 *   const load = createLoaders({ api, dispatch, getState, notice });
 *   load.latest(channelId); load.older(channelId); load.thread(rootId);
 *   load.inbox(); load.inbox({ older: true });   // the cards waiting for me
 */

export function createLoaders({ api, dispatch, getState, notice }) {
  async function loadLatest(channelId) {
    try {
      const page = await api.get(`/api/v1/channels/${channelId}/messages`, { limit: 50 });
      dispatch({ type: "messages/loaded", channel_id: channelId, ...page, older: false });
      loadUnknownSenders(page.messages);
    } catch (error) {
      notice(error.message);
    }
  }

  async function loadOlder(channelId) {
    const state = getState();
    const page = state.messages[channelId];
    if (!page || page.loading || !page.hasMore) return;
    const first = state.byId[page.ids[0]];
    dispatch({ type: "messages/loading", channel_id: channelId });
    try {
      const older = await api.get(`/api/v1/channels/${channelId}/messages`, {
        before: first?.seq,
        limit: 50,
      });
      dispatch({ type: "messages/loaded", channel_id: channelId, ...older, older: true });
      loadUnknownSenders(older.messages);
    } catch (error) {
      dispatch({
        type: "messages/loaded",
        channel_id: channelId,
        messages: [],
        has_more: false,
        older: true,
      });
      notice(error.message);
    }
  }

  async function reloadChannel(channelId) {
    try {
      const { channel } = await api.get(`/api/v1/channels/${channelId}`);
      dispatch({ type: "channel/loaded", channel });
    } catch {
      // The channel list stays as it was; the next event corrects it.
    }
    if (getState().messages[channelId]) loadLatest(channelId);
  }

  async function loadMembers(channelId) {
    try {
      const { members } = await api.get(`/api/v1/channels/${channelId}/members`);
      dispatch({ type: "members/loaded", channel_id: channelId, members });
      loadPresence(members.map((m) => m.person.id));
    } catch {
      // Names fall back to "someone"; not worth interrupting the reader.
    }
  }

  async function loadPresence(extra = []) {
    const state = getState();
    const ids = new Set(extra);
    for (const c of Object.values(state.channels)) for (const p of c.members || []) ids.add(p.id);
    ids.delete(state.me?.id);
    if (!ids.size) return;
    try {
      const { presence } = await api.get("/api/v1/presence", {
        ids: [...ids].slice(0, 100).join(","),
      });
      dispatch({ type: "presence/loaded", presence });
    } catch {
      // Presence is a nicety.
    }
  }

  async function loadDepartments() {
    try {
      const { departments } = await api.get("/api/v1/departments");
      dispatch({ type: "departments/loaded", departments });
    } catch {
      // Department pickers then offer only what a card pre-fills.
    }
  }

  const asked = new Set();
  async function loadPeople(ids) {
    const wanted = ids.filter((id) => !asked.has(id) && !getState().people[id]);
    for (const id of wanted) asked.add(id);
    // One request per 200 people; anyone the reader may not see is simply left out (shown as
    // "someone").
    for (let start = 0; start < wanted.length; start += 200) {
      const chunk = wanted.slice(start, start + 200);
      try {
        const { people } = await api.get("/api/v1/people/lookup", { ids: chunk.join(",") });
        if (people.length) dispatch({ type: "people/loaded", people });
      } catch {
        for (const id of chunk) asked.delete(id); // try again next time they are needed
      }
    }
  }

  function loadUnknownSenders(messages) {
    const people = getState().people;
    loadPeople(
      [
        ...new Set(
          messages.flatMap((m) => [
            m.sender_id,
            ...(m.reactions || []).flatMap((r) => r.person_ids),
          ]),
        ),
      ].filter((id) => !people[id]),
    );
  }

  async function openThread(rootId) {
    dispatch({ type: "ui/openThread", root_id: rootId });
    try {
      let after;
      for (let i = 0; i < 10; i++) {
        const page = await api.get(`/api/v1/messages/${rootId}/replies`, { after, limit: 200 });
        dispatch({ type: "thread/loaded", root: page.root, replies: page.replies });
        loadUnknownSenders([page.root, ...page.replies]);
        if (!page.has_more) break;
        after = page.after;
      }
    } catch (error) {
      notice(error.message);
    }
  }

  // The slash commands, with their help in the person's language; without them the composer
  // simply offers no completions.
  function loadCommands(locale) {
    api.get("/api/v1/commands", { locale }).then(
      (r) => dispatch({ type: "commands/loaded", commands: r.commands }),
      () => {},
    );
  }

  // The bots' message shortcuts ("Make this a task"), labelled in the person's language.
  function loadShortcuts(locale) {
    api.get("/api/v1/shortcuts", { locale }).then(
      (r) => dispatch({ type: "shortcuts/loaded", shortcuts: r.shortcuts }),
      () => {},
    );
  }

  // The to-do inbox (GET /api/v1/me/inbox): the first page again whenever it changed
  // (inbox.updated, a reconnect), or the next one for "Show more". A reload asked for while
  // one is on its way runs once more after it, so the last answer is never an old one.
  let inboxAgain = false;
  let inboxBusy = false;
  async function loadInbox({ older = false } = {}) {
    const inbox = getState().inbox;
    if (older && (!inbox.hasMore || inbox.loading)) return;
    if (inboxBusy) {
      if (!older) inboxAgain = true;
      return;
    }
    inboxBusy = true;
    dispatch({ type: "inbox/loading" });
    try {
      const page = await api.get("/api/v1/me/inbox", {
        limit: 50,
        before: older ? inbox.nextBefore : undefined,
      });
      dispatch({ type: "inbox/loaded", ...page, older });
      loadPeople([...new Set(page.items.flatMap((item) => [item.bot_id, item.message.sender_id]))]);
    } catch (error) {
      dispatch({ type: "inbox/failed" });
      if (older) notice(error.message);
    } finally {
      inboxBusy = false;
    }
    if (inboxAgain) {
      inboxAgain = false;
      loadInbox();
    }
  }

  // Out of office: who acts for me and whom I act for (cards.js reads it for the buttons).
  async function loadDelegation() {
    const view = await api.get("/api/v1/me/delegation");
    dispatch({ type: "delegation/loaded", view });
    return view;
  }

  return {
    inbox: loadInbox,
    delegation: loadDelegation,
    latest: loadLatest,
    older: loadOlder,
    reloadChannel,
    members: loadMembers,
    presence: loadPresence,
    departments: loadDepartments,
    people: loadPeople,
    thread: openThread,
    commands: loadCommands,
    shortcuts: loadShortcuts,
  };
}
