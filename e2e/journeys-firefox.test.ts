// The main journeys (support/journeys.ts) in a stock Firefox, over WebDriver BiDi (puppeteer-core).
import { launchFirefox } from './support/browser.ts';
import { describeJourneys } from './support/journeys.ts';

describeJourneys('firefox', launchFirefox);
