// Says it ran: it must not when the global setup found no browser.
import { it } from 'vitest';

it('runs only when every browser was found', () => {
  console.log('THE BROWSER FIXTURE RAN');
});
