package handlers

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/views"
)

// page builds the layout data for the current request.
func (w *web) page(c *fiber.Ctx, title string) views.Page {
	p := views.Page{Title: title, Assets: w.assets, Flash: w.takeFlash(c), BaseURL: w.shop.baseURL}
	if sess := state(c).session; sess != nil {
		p.CSRFToken = sess.CSRFToken
		p.UserEmail = sess.Email
	} else {
		p.CSRFToken = state(c).guestToken
	}
	if count := state(c).cartCount; count != nil {
		p.CartCount = count()
	}
	uri := c.Request().URI()
	p.Path = string(uri.PathOriginal())
	if q := uri.QueryString(); len(q) > 0 {
		p.Path += "?" + string(q)
	}
	return p
}

// render writes a templ component as the HTML response with the given status.
// It renders with the request's own context (not fasthttp's), which a graceful
// shutdown does not cancel.
func render(c *fiber.Ctx, status int, component templ.Component) error {
	c.Status(status)
	c.Type("html", "utf-8")
	return component.Render(c.UserContext(), c.Response().BodyWriter())
}

func isHTMX(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// redirect sends the browser to a local path: a 303 for plain forms, and for htmx
// an HX-Redirect (htmx ignores headers on 3xx, and an XHR would follow the
// redirect and paste the whole next page into a fragment).
func redirect(c *fiber.Ctx, to string) error {
	if isHTMX(c) {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}
