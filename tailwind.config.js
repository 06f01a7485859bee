/** @type {import('tailwindcss').Config} */
module.exports = {
  // Class names must appear literally in these files; the generated *_templ.go
  // files repeat the .templ classes, so scanning the .templ sources is enough.
  content: ["./views/**/*.templ", "./assets/static/app.js"],
  theme: { extend: {} },
  plugins: [],
};
