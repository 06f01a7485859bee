package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// sellerSales is what the sales page asks of services.Orders.
type sellerSales interface {
	SalesForSeller(ctx context.Context, sellerID int64, since time.Time) (*models.Sales, error)
}

// salesHandlers serve a seller's sales.
type salesHandlers struct {
	*web
	sales sellerSales
}

// salesWindow is how far back the sales page looks.
const salesWindow = 30 * 24 * time.Hour

// list shows the seller's paid order lines of the last 30 days with totals.
func (h *salesHandlers) list(c *fiber.Ctx) error {
	sales, err := h.sales.SalesForSeller(c.UserContext(), state(c).session.UserID, time.Now().Add(-salesWindow))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.SalesPage(h.page(c, "Your sales"), *sales))
}
