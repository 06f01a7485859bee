package handlers

import (
	"context"

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
}

// show is the account page: who the user is, their products, their sessions.
func (h *accountHandlers) show(c *fiber.Ctx) error {
	user, err := currentUser(c, h.users)
	if err != nil {
		return err
	}
	dashboard, err := h.products.SellerDashboard(c.UserContext(), user.ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AccountPage(h.page(c, "Your account"), *user, dashboard, views.MediaURL(h.media)))
}
