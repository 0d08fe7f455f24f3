// The app's entry (index.html loads it): register every element, then <tcp-playground> in
// index.html takes over.
import './components/index.ts';
import './app/playground-app.ts';
