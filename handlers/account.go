package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// sellerProducts is what the account page asks of services.Catalog.
type sellerProducts interface {
	ProductsBySeller(ctx context.Context, sellerID int64) ([]models.Product, error)
}

// accountHandlers serve the signed-in user's own pages.
type accountHandlers struct {
	*web
	users    userLoader
	products sellerProducts
}

// show is the account page: who the user is, their products, their sessions.
func (h *accountHandlers) show(c *fiber.Ctx) error {
	user, err := currentUser(c, h.users)
	if err != nil {
		return err
	}
	products, err := h.products.ProductsBySeller(c.UserContext(), user.ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AccountPage(h.page(c, "Your account"), *user, products))
}
