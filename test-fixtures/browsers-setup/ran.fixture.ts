// Drives no Firefox by its name, so the global setup wants a Chromium for it. Says it ran.
import { it } from 'vitest';

it('runs only when every browser was found', () => {
  console.log('THE BROWSER FIXTURE RAN');
});
