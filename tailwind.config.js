/** @type {import('tailwindcss').Config} */
// The shop's design system. The theme below *replaces* Tailwind's defaults for
// colours, type sizes, radii and shadows, so a page can only use these tokens:
// a class outside them (text-6xl, bg-blue-500, rounded-3xl) produces no CSS.
// Spacing keeps Tailwind's 4 px scale. Arbitrary values ([...]) are not used
// outside the nav's browser-feature variants.
const colors = require("tailwindcss/colors");

module.exports = {
  // Class names must appear literally in these files; the generated *_templ.go
  // files repeat the .templ classes, so scanning the .templ sources is enough.
  content: ["./views/**/*.templ", "./assets/static/app.js"],
  theme: {
    colors: {
      transparent: "transparent",
      current: "currentColor",
      white: colors.white,
      black: colors.black,
      // Neutral: text, surfaces and borders. Text on white: stone-600 and
      // darker (>= 7:1 from 700); borders of controls: stone-500 (4.8:1 on white).
      stone: colors.stone,
      // Accent: links, primary buttons and focus rings. accent-700 is 5.5:1 on
      // white and on stone-50, so white text on it and it as a ring both pass.
      accent: colors.teal,
      // States only: errors, success, warnings.
      red: colors.red,
      emerald: colors.emerald,
      amber: colors.amber,
    },
    // Type scale (size / line height), a major third from 16 px.
    fontSize: {
      xs: ["0.75rem", { lineHeight: "1rem" }],
      sm: ["0.875rem", { lineHeight: "1.25rem" }],
      base: ["1rem", { lineHeight: "1.5rem" }],
      lg: ["1.125rem", { lineHeight: "1.75rem" }],
      xl: ["1.25rem", { lineHeight: "1.75rem" }],
      "2xl": ["1.5rem", { lineHeight: "2rem" }],
      "3xl": ["1.875rem", { lineHeight: "2.25rem" }],
      "4xl": ["2.25rem", { lineHeight: "2.5rem" }],
    },
    borderRadius: {
      none: "0",
      sm: "0.25rem",
      DEFAULT: "0.375rem",
      md: "0.375rem", // controls and buttons
      lg: "0.5rem", // cards, alerts
      xl: "0.75rem", // panels
      full: "9999px",
    },
    boxShadow: {
      none: "none",
      sm: "0 1px 2px 0 rgb(28 25 23 / 0.06)",
      DEFAULT: "0 1px 3px 0 rgb(28 25 23 / 0.08), 0 1px 2px -1px rgb(28 25 23 / 0.08)",
      md: "0 4px 8px -2px rgb(28 25 23 / 0.10), 0 2px 4px -2px rgb(28 25 23 / 0.06)",
      lg: "0 12px 24px -6px rgb(28 25 23 / 0.14), 0 4px 8px -4px rgb(28 25 23 / 0.08)",
    },
    extend: {
      fontFamily: {
        sans: ['ui-sans-serif', 'system-ui', '-apple-system', '"Segoe UI"', 'Roboto', '"Helvetica Neue"', 'Arial', 'sans-serif'],
      },
    },
  },
  plugins: [
    function ({ addVariant }) {
      // The nav shows its items in one row (instead of behind its Menu
      // <details>) from md up, but only where the browser can force a closed
      // details' content visible; elsewhere the Menu keeps working at any width.
      addVariant("nav-wide", "@media (min-width: 768px) { @supports selector(::details-content) { & } }");
    },
  ],
};
