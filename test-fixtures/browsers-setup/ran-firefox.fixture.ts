// Its name says "firefox": the global setup wants a Firefox for it. Says it ran.
import { it } from 'vitest';

it('runs only when Firefox was found', () => {
  console.log('THE FIREFOX FIXTURE RAN');
});
