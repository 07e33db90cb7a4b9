/**
 * What main.js does for the cards' intents (cards/controller.js emits them).
 *
 *   const intents = { ...cardIntents({ dispatch, api, requests, searchPeople }), ... };
 *
 * Typing and picking change the drafts; actions and forms go through cards/requests.js;
 * files chosen for a `file` input are uploaded at once, one request each, so the card
 * shows each file's progress and the action later sends only their ids.
 */
export function cardIntents({ dispatch, api, requests, searchPeople }) {
  let uploads = 0;
  return {
    cardDraft: ({ key, name, value, redraw, cell, rows }) =>
      dispatch({ type: "card/draft", key, name, value, redraw, cell, rows }),
    cardSearch({ key, name, q, close = false }) {
      dispatch({ type: "card/search", key, name, q, close });
      return close ? undefined : searchPeople({ q: q.trim() });
    },
    cardInvalid: ({ key, fieldErrors, error }) =>
      dispatch({ type: "card/invalid", key, fieldErrors, error }),
    cardAction: (detail) => requests.takeAction(detail),
    submitForm: (detail) => requests.submitForm(detail),
    async cardUpload({ key, name, files }) {
      await Promise.all(
        files.map(async (file) => {
          const tempId = `u${++uploads}`;
          dispatch({ type: "card/uploading", key, name, temp_id: tempId, file_name: file.name });
          try {
            const uploaded = await api.upload("/api/v1/files", { name: file.name }, file);
            dispatch({ type: "card/uploaded", key, name, temp_id: tempId, file: uploaded });
          } catch (error) {
            dispatch({
              type: "card/uploadFailed",
              key,
              name,
              temp_id: tempId,
              error: `${file.name}: ${error.message}`,
            });
          }
        }),
      );
    },
  };
}
