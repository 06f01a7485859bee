package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/views"
)

// Pages reached by a mailed link (a password reset, an email change) carry the
// link's secret token in their path. The token must not leave them: no Referer
// to anything the page loads or links to (noReferrer, on their routes), no copy
// in the nav's log-in link (linkPage), and none in the log (requestlog.go
// shows the path without it).

// noReferrer overrides the app's same-origin Referrer-Policy for the routes of
// mailed links, on every answer they give, errors included. Browsers that send
// Fetch Metadata (Sec-Fetch-Site) still pass the CSRF origin check, though a
// form posted from such a page carries "Origin: null".
func noReferrer(c *fiber.Ctx) error {
	c.Set("Referrer-Policy", "no-referrer")
	return c.Next()
}

// linkPage is the layout data of a mailed link's page: its path, which holds
// the token, is not offered as the page to return to after logging in.
func (w *web) linkPage(c *fiber.Ctx, title string) views.Page {
	p := w.page(c, title)
	p.Path = ""
	return p
}

// linkExpired answers a mailed link that is unknown, used, voided or expired
// (services.ErrAccountLinkInvalid: all look the same) with a page that offers a
// new one at again. An htmx form post from the link's page reloads that page,
// which then shows this answer whole.
func (w *web) linkExpired(c *fiber.Ctx, again, againLabel string) error {
	if isHTMX(c) {
		c.Set("HX-Refresh", "true")
	}
	return render(c, fiber.StatusNotFound, views.LinkExpiredPage(w.linkPage(c, "Link expired"), again, againLabel))
}
