// The theme's names, for the app's root and for an element used on its own (theme.ts): the
// palette is set where a `theme` attribute is and inherited by everything inside.
export type ThemeName = 'light' | 'dark' | 'auto';
