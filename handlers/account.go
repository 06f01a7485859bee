package handlers

import (
	"bytes"
	"context"
	"crypto/rand"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// sellerProducts is what the account page (the seller's dashboard) asks of services.Catalog.
type sellerProducts interface {
	SellerDashboard(ctx context.Context, sellerID int64) (models.Dashboard, error)
}

// accountHandlers serve the signed-in user's own pages.
type accountHandlers struct {
	*web
	users    userLoader
	products sellerProducts
	media    mediaURL
	// pages keeps each user's rendered account content (a fragment cache,
	// cache.go, of its own: a burst of sellers does not push the catalogue's
	// pages out), under their dashboard version.
	pages *fragmentCache
}

// maxAccountPages bounds the account page cache: a page is about 1 KB per
// product (50 KB for 50 products, at most 500 KB at the list's 500), so the
// 256 most recently seen sellers take a few MB for most shops and at most
// 128 MB. Others' pages are rendered again when they come back.
const maxAccountPages = 256

// The account page (the seller's dashboard: up to 500 products with covers
// and sales) is the most expensive page to render, and it changes only when
// the seller writes (or sells). Its main content is cached per user under
// their dashboard version (services/dashboardversion.go), which the session
// middleware reads with its check that the account exists (no query of its
// own); every write of what the page shows gives the version a new value in
// the write's transaction. So, as for the catalogue's pages, no instance serves
// a page older than the last write, and one seller's entry is keyed by their id
// and never served to anyone else.
//
// The content has forms, whose CSRF token is the visitor's session's: it is
// rendered with a random placeholder in the token's place, kept split at the
// placeholder, and the token of the session asking is written between the
// pieces each time. No token is ever in the cache.

// show is the account page: who the user is, their products, their sessions.
func (h *accountHandlers) show(c *fiber.Ctx) error {
	st := state(c)
	if !st.session.SignedIn() {
		_, err := currentUser(c, h.users) // "Please log in."
		return err
	}
	p := h.page(c, "Your account")
	if !st.userCartKnown {
		// No version was read for this request: build the page directly.
		main, err := h.main(c, p.CSRFToken)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusOK, views.AccountPage(p, main))
	}
	key := "account:" + strconv.FormatInt(st.session.UserID, 10)
	version := strconv.FormatInt(st.userDashboardVersion, 10)
	now := time.Now()
	f, ok := h.pages.get(version, key, now)
	if !ok {
		// A placeholder no page content can hold: fresh, random, made after
		// the data was chosen by whoever wrote it.
		hole := rand.Text()
		main, err := h.main(c, hole)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := main.Render(c.UserContext(), &buf); err != nil {
			return err
		}
		f = fragment{version: version, tokenParts: splitAtMark(buf.Bytes(), hole), made: now}
		h.pages.put(key, f)
	}
	return render(c, fiber.StatusOK, views.AccountPage(p, f.withToken(p.CSRFToken)))
}

// main loads the user and their dashboard and returns the page's main content
// with csrfToken in its forms.
func (h *accountHandlers) main(c *fiber.Ctx, csrfToken string) (templ.Component, error) {
	user, err := currentUser(c, h.users)
	if err != nil {
		return nil, err
	}
	dashboard, err := h.products.SellerDashboard(c.UserContext(), user.ID)
	if err != nil {
		return nil, err
	}
	return views.AccountMain(csrfToken, *user, dashboard, views.MediaURL(h.media)), nil
}
