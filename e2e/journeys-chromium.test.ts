// The main journeys (support/journeys.ts) in Chromium, driven by Playwright.
import { launchChromiumTabs } from './support/browser.ts';
import { describeJourneys } from './support/journeys.ts';

describeJourneys('chromium', launchChromiumTabs);
