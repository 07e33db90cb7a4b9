/**
 * A tiny store: the current state, `dispatch` through the reducer, and `subscribe`.
 *
 *   const store = createStore(reduce, initialState());
 *   const stop = store.subscribe((state, previous) => render(state));
 *   store.dispatch({ type: "ui/openChannel", channel_id: 3 });
 */

export function createStore(reducer, initial) {
  let state = initial;
  const listeners = new Set();
  return {
    getState: () => state,
    dispatch(action) {
      const previous = state;
      state = reducer(state, action);
      if (state !== previous) for (const fn of [...listeners]) fn(state, previous);
      return state;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
