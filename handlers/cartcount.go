package handlers

import (
	"context"
	"log/slog"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
)

// cartCounter is what the nav's cart count asks of services.Carts.
type cartCounter interface {
	ItemCount(ctx context.Context, owner models.CartOwner) (int, error)
}

// cartBadge gives the layout the number of items in the visitor's cart. A
// signed-in user's count comes with the session middleware's per-request check
// of the account (one batched query for both, read after the request began, so
// a change made in another browser shows at the next page); a guest cart's is
// counted only when a page is rendered (page). Browsing guests cost no query.
type cartBadge struct {
	log   *slog.Logger
	carts cartCounter
}

// attach lets the request's pages count the visitor's cart.
func (b *cartBadge) attach(c *fiber.Ctx) error {
	if b.carts == nil {
		return c.Next()
	}
	st := state(c)
	// Only a GET or HEAD takes the count read before the handler ran: no page
	// read changes a cart, while a POST (add to cart, checkout) counts it as it
	// is after its change, when the page is rendered.
	if st.userCartKnown && st.session.SignedIn() && (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) {
		n := st.userCartItems
		st.cartCount = func() int { return n }
		return c.Next()
	}
	st.cartCount = func() int {
		owner, ok := cartOwnerOf(st.session)
		if !ok {
			return 0
		}
		n, err := b.carts.ItemCount(c.UserContext(), owner)
		if err != nil {
			// The nav is not worth failing a page for: it shows no count.
			b.log.WarnContext(c.UserContext(), "cart count", "rid", requestID(c), "error", err.Error())
			return 0
		}
		return n
	}
	return c.Next()
}

// templJoin renders components one after the other (a fragment and its
// out-of-band swaps).
func templJoin(components ...templ.Component) templ.Component { return templ.Join(components...) }
