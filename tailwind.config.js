/** @type {import('tailwindcss').Config} */
module.exports = {
  // Class names must appear literally in these files; the generated *_templ.go
  // files repeat the .templ classes, so scanning the .templ sources is enough.
  content: ["./views/**/*.templ", "./assets/static/app.js"],
  theme: { extend: {} },
  plugins: [
    function ({ addVariant }) {
      // The nav shows its items in one row (instead of behind its Menu
      // <details>) from md up, but only where the browser can force a closed
      // details' content visible; elsewhere the Menu keeps working at any width.
      addVariant("nav-wide", "@media (min-width: 768px) { @supports selector(::details-content) { & } }");
    },
  ],
};
