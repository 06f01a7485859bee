package handlers

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/storefront/storefront/views"
)

// web is the per-request plumbing every handler group shares: the layout data
// of a page (render.go), flash messages, cookies, guest forms and the
// after-login rule (guest.go), CSRF rules (csrf.go) and the security log
// (audit.go). It holds no service: a group that needs one declares it.
type web struct {
	log          *slog.Logger
	cookieSecure bool // Secure and the __Host- name prefix on every cookie
	cookies      cookieNames
	assets       views.AssetURLs
	// routes is every route of the router, for the after-login rule; NewApp
	// sets it once all are registered.
	routes *routeSet
	// shop is what pages say about the shop itself (PUBLIC_URL, currency).
	shop shopInfo
}

// shopInfo is the shop's public address and currency, for canonical links,
// the sitemap and what search engines and link previews are told.
type shopInfo struct {
	baseURL  string // PUBLIC_URL without a trailing slash; "" in some tests
	currency string
}

func newWeb(log *slog.Logger, cookieSecure bool, assets views.AssetURLs) *web {
	return &web{log: log, cookieSecure: cookieSecure, cookies: newCookieNames(cookieSecure), assets: assets}
}

// cookieNames are the names of the app's cookies. On HTTPS they carry the
// __Host- prefix: browsers refuse such a cookie unless it is Secure, host-only
// and Path=/, so a sibling subdomain or a plain-HTTP page cannot plant one.
type cookieNames struct {
	// session holds only the session's random id.
	session string
	// guest holds a guest form's token and the after-login page (guest.go).
	guest string
	// device holds a browser's device token (services.Devices): proof that it
	// has logged in to an account before, which exempts it from that account's lock.
	device string
}

func newCookieNames(secure bool) cookieNames {
	if secure {
		return cookieNames{session: "__Host-sid", guest: "__Host-guest", device: "__Host-device"}
	}
	return cookieNames{session: "sid", guest: "guest", device: "device"}
}

// setSessionCookie sends a browser-session cookie holding only the random id; the
// server enforces the idle and absolute limits.
func (w *web) setSessionCookie(c *fiber.Ctx, id string) {
	c.Cookie(&fiber.Cookie{
		Name:        w.cookies.session,
		Value:       id,
		Path:        "/",
		Secure:      w.cookieSecure,
		HTTPOnly:    true,
		SameSite:    fiber.CookieSameSiteLaxMode,
		SessionOnly: true,
	})
}

// clearSessionCookie expires the cookie with the same attributes it was set with
// (browsers ignore a __Host- deletion that lacks Secure or Path=/).
func (w *web) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name:     w.cookies.session,
		Value:    "",
		Path:     "/",
		Secure:   w.cookieSecure,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
		Expires:  fasthttp.CookieExpireDelete,
	})
}
