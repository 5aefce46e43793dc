/**
 * Runs `lanes` request loops side by side until `next()` returns false or the deadline passes. Each lane keeps
 * one request in flight, so the number of lanes is the concurrency and matches the agent's socket count.
 */
export async function runLanes(lanes, deadline, next) {
  const lane = async (_, index) => {
    while (Date.now() < deadline) {
      if (!(await next(index))) return;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}
