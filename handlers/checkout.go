package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// orderPlacer is what checkout asks of services.Checkout.
type orderPlacer interface {
	Checkout(ctx context.Context, buyerID int64) (*models.Order, error)
}

// checkoutHandlers serve POST /checkout: the cart becomes a pending order and
// the buyer goes to pay for it.
type checkoutHandlers struct {
	*web
	placer orderPlacer
	cart   *cartHandlers // the cart page again when checkout is refused
}

// checkout orders the signed-in buyer's cart and sends them to the payment
// provider (Stripe's page, or the test-mode page). A guest is sent to log in
// (or sign up) and comes back to the cart, which the login merges into theirs.
// Short stock is a 409 and a cart with nothing to buy a 422, both with the
// cart page again, saying what is wrong with which line.
func (h *checkoutHandlers) checkout(c *fiber.Ctx) error {
	sess := state(c).session
	if !sess.SignedIn() {
		h.openGuestForm(c, paths.Cart)
		return redirect(c, paths.Login)
	}
	order, err := h.placer.Checkout(c.UserContext(), sess.UserID)
	if err == nil {
		return redirect(c, order.PaymentURL)
	}
	switch models.ErrorCode(err) {
	case models.ECONFLICT:
		return h.cart.renderCart(c, fiber.StatusConflict, models.ErrorMessage(err), models.FieldErrors(err))
	case models.EINVALID:
		return h.cart.renderCart(c, fiber.StatusUnprocessableEntity, models.ErrorMessage(err), nil)
	}
	return err
}
