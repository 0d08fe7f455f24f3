// How a browser benchmark runs: main() under a hard time limit, the process ended either way
// (a headless browser or a relay left open would keep it alive), a clear line when it gives up.

export function runBench(name: string, limitMs: number, main: () => Promise<void>): void {
  const hardStop = setTimeout(() => {
    console.error(`${name} bench: hard time limit reached, giving up`);
    process.exit(2);
  }, limitMs);
  hardStop.unref();
  main().then(
    () => {
      clearTimeout(hardStop);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
