/**
 * Synchronous last-resort cleanup when the test process exits without calling stop()
 * (a crashed worker, a forgotten afterAll). Only sync work is possible in an "exit" handler.
 */
const tasks = new Set<() => void>();
let installed = false;

export function onProcessExit(task: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once("exit", () => {
      for (const t of tasks) {
        try {
          t();
        } catch {
          // best effort: the process is going away anyway
        }
      }
    });
  }
  tasks.add(task);
  return () => {
    tasks.delete(task);
  };
}
