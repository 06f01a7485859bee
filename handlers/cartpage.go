package handlers

import (
	"bytes"
	"context"
	"crypto/rand"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// The cart page's main content is cached per state of the cart and of the
// catalogue: the key is the cart's id, and an entry is served only under the
// cart's version (a fingerprint of its lines, services.CartVersion) and the
// catalogue version (moved in the transaction of every change of a product fact
// the page shows: price, status, deletion, cover, store name, and stock at or
// below models.LowStock) it was made under. Both are read after the request
// began (the cart's with the session's user check, or by one indexed query for
// a guest), so every change committed before it shows. The CSRF token is the
// only per-visitor value in the content: it is rendered as a random mark and
// put back per request, so an entry holds nothing of the visitor but their own
// cart, and only its owner's requests name its key.

// cartPageCache is the cart pages' cache and what it needs.
type cartPageCache struct {
	// versions reads the catalogue version (services.Catalog).
	versions interface {
		Version(ctx context.Context) (string, error)
	}
	entries *fragmentCache
	// tokenMark stands for the CSRF token in cached content: random per
	// process, so no product or store name can hold it.
	tokenMark string
}

// maxCartPages bounds the cart pages kept (one entry per cart, a few KB each).
const maxCartPages = 2048

func newCartPageCache(versions interface {
	Version(ctx context.Context) (string, error)
}) (*cartPageCache, error) {
	entries, err := newFragmentCache(maxCartPages)
	if err != nil {
		return nil, err
	}
	return &cartPageCache{versions: versions, entries: entries, tokenMark: "csrf" + rand.Text()}, nil
}

// cartPageKey names a cart's entry; a cart is either a user's or a guest's,
// and the page differs (checkout asks a guest to log in).
func cartPageKey(cartID int64, signedIn bool) string {
	k := "cart:" + strconv.FormatInt(cartID, 10)
	if signedIn {
		return k + ":u"
	}
	return k + ":g"
}

// cartState is the visitor's cart version and item count, read after the
// request began: a signed-in user's came with the session middleware's user
// check (SignedInUserWithCart on this page), a guest's costs one query.
func (h *cartHandlers) cartState(c *fiber.Ctx, owner models.CartOwner) (services.CartVersion, int, error) {
	st := state(c)
	if owner.UserID != 0 && st.userCartVersioned {
		return st.userCart, st.userCartItems, nil
	}
	return h.carts.CartState(c.UserContext(), owner)
}

// showCached is the cart page from the cache (made on a miss). ok is false
// when the cache cannot be trusted for this request (no catalogue version in
// time): the caller renders from the database.
func (h *cartHandlers) showCached(c *fiber.Ctx, owner models.CartOwner) (bool, error) {
	ctx := c.UserContext()
	ref, items, err := h.cartState(c, owner)
	if err != nil {
		return true, err
	}
	signedIn := owner.UserID != 0
	if ref.ID == 0 {
		// No cart: empty, nothing to read.
		state(c).cartCount = func() int { return 0 }
		v := views.CartView{Currency: h.currency, SignedIn: signedIn, Media: views.MediaURL(h.media)}
		return true, render(c, fiber.StatusOK, views.CartPage(h.page(c, "Your cart"), v))
	}
	catalog, err := h.pages.versions.Version(ctx)
	if err != nil || catalog == "" {
		return false, nil
	}
	version := catalog + "/" + ref.Version
	key := cartPageKey(ref.ID, signedIn)
	now := time.Now()
	f, ok := h.pages.entries.get(version, key, now)
	if !ok {
		// Read after the versions: the lines are at least as new as the key.
		cart, err := h.carts.Cart(ctx, owner)
		if err != nil {
			return true, err
		}
		v := views.CartView{Cart: *cart, Currency: h.currency, SignedIn: signedIn, Media: views.MediaURL(h.media)}
		var buf bytes.Buffer
		if err := views.CartContent(v, h.pages.tokenMark).Render(ctx, &buf); err != nil {
			return true, err
		}
		f = fragment{version: version, tokenParts: splitAtMark(buf.Bytes(), h.pages.tokenMark), made: now}
		// Kept only if the lines read are those the key names (a change
		// between the two reads is not kept under the older state's name: a
		// cart can come back to a state), and if no sale that moves no
		// catalogue version could change what the page says of the stock.
		if cart.Version == ref.Version && cart.StockSettled() {
			h.pages.entries.put(key, f)
		}
		items = cart.ItemCount
	}
	state(c).cartCount = func() int { return items }
	p := h.page(c, "Your cart")
	return true, render(c, fiber.StatusOK, views.CachedCartPage(p, f.withToken(p.CSRFToken)))
}
