// Storefront's only script besides htmx. It is served from our own origin, so the
// Content-Security-Policy can forbid inline scripts.
//
// htmx does not swap 4xx/5xx responses (except 422, see the htmx-config meta tag);
// without this a failed action would look like a button that does nothing.
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr.status;
  var message = "Something went wrong. Please try again.";
  if (status === 409) message = "That changed meanwhile: it may have sold out or have fewer left. Reload the page to see what is available.";
  if (status === 403) message = "Your session has changed. Reload the page and try again.";
  if (status === 413) message = "That was too much data to send.";
  if (status === 429) message = "Too many attempts. Please wait a moment and try again.";
  if (status === 503) message = "The shop is temporarily unavailable. Please try again shortly.";
  showFlash(message);
});

document.addEventListener("htmx:sendError", function () {
  showFlash("Could not reach the shop. Check your connection and try again.");
});

function showFlash(message) {
  var flash = document.getElementById("flash");
  if (!flash) return;
  var p = document.createElement("p");
  p.setAttribute("role", "alert");
  p.className = "mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800";
  p.textContent = message;
  flash.replaceChildren(p);
}

// The nav's Menu is a <details>, so it opens and closes without JavaScript; this
// adds what people expect of a dropdown: Escape or a click elsewhere closes it.
document.addEventListener("keydown", function (event) {
  var menu = document.getElementById("nav-menu");
  if (event.key !== "Escape" || !menu || !menu.open) return;
  var hadFocus = menu.contains(document.activeElement);
  menu.open = false;
  if (hadFocus) menu.querySelector("summary").focus();
});

document.addEventListener("click", function (event) {
  var menu = document.getElementById("nav-menu");
  if (menu && menu.open && !menu.contains(event.target)) menu.open = false;
});
