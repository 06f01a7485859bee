package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// requestState is what the middleware learns about the visitor, kept in one
// Locals entry so handlers and the error handler read it the same way.
type requestState struct {
	// hadCookie is true when the request carried a session cookie, even one whose
	// session no longer exists (expired or logged out elsewhere).
	hadCookie bool
	// session is nil for a visitor without a live session.
	session *services.Session
	// guestToken is the guest form token the page carries (log-in and sign-up
	// pages), or "".
	guestToken string
	// user caches CurrentUser's database load for the rest of the request.
	user *models.User
	// cartCount counts the visitor's cart for the nav (cartBadge); nil: 0.
	cartCount func() int
	// userCartItems is the signed-in user's cart count, read by the session
	// middleware with its check that the user exists (userCartKnown: it was).
	userCartItems int
	userCartKnown bool
	// userCart is the version of the signed-in user's cart, read with
	// userCartItems on the cart page only (userCartVersioned): its cache key.
	userCart          services.CartVersion
	userCartVersioned bool
	// userDashboardVersion is the signed-in user's dashboard version, read
	// with the cart count (valid when userCartKnown): the account page is
	// cached under it.
	userDashboardVersion int64
	// unconfirmedCartAdd: a plain form (a cached product card, which holds no
	// token) posted to the cart by a visitor with a session, without a token:
	// the add handler changes nothing and asks for a confirmation with one.
	unconfirmedCartAdd bool
}

type stateKey struct{}

// state returns the request's state; requests that never passed the session
// middleware (early errors, probes) get an empty one.
func state(c *fiber.Ctx) *requestState {
	if st, ok := c.Locals(stateKey{}).(*requestState); ok {
		return st
	}
	st := &requestState{}
	c.Locals(stateKey{}, st)
	return st
}

// userLoader is what currentUser asks of services.Accounts.
type userLoader interface {
	UserByID(ctx context.Context, id int64) (*models.User, error)
}

// currentUser loads the signed-in user from users at most once per request.
// Most pages need only "is someone signed in" and the email, which the session
// holds; only pages that show more (the account) pay for the query.
func currentUser(c *fiber.Ctx, users userLoader) (*models.User, error) {
	st := state(c)
	if st.user != nil {
		return st.user, nil
	}
	if !st.session.SignedIn() {
		return nil, models.Errorf(models.EUNAUTHORIZED, "Please log in.")
	}
	u, err := users.UserByID(c.UserContext(), st.session.UserID)
	if err != nil {
		return nil, err
	}
	st.user = u
	return u, nil
}
