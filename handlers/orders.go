package handlers

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/views"
)

// buyerOrders is what the order pages ask of services.Orders.
type buyerOrders interface {
	OrdersForBuyer(ctx context.Context, buyerID int64) ([]models.Order, error)
	OrderForBuyer(ctx context.Context, buyerID, orderID int64) (*models.Order, error)
}

// testPayments is what the test-mode payment page asks of services.DemoPayments.
type testPayments interface {
	Pay(ctx context.Context, buyerID, orderID int64) (models.PaymentOutcome, error)
	Cancel(ctx context.Context, buyerID, orderID int64) (models.PaymentOutcome, error)
}

// orderHandlers serve a buyer's orders and, without a real payment provider,
// the test-mode payment page.
type orderHandlers struct {
	*web
	orders buyerOrders
	demo   testPayments // nil with Stripe: no test-mode page
}

// maxStatusPolls bounds how often an order page asks whether the payment has
// been confirmed (every 2 s: a minute).
const maxStatusPolls = 30

func orderID(c *fiber.Ctx) (int64, error) {
	id, ok := models.ParseProductID(c.Params("id")) // the same canonical positive id
	if !ok {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// list shows the buyer's orders, newest first.
func (h *orderHandlers) list(c *fiber.Ctx) error {
	orders, err := h.orders.OrdersForBuyer(c.UserContext(), state(c).session.UserID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.OrdersPage(h.page(c, "Your orders"), orders))
}

// buyerOrder is the order in the path, if it is the signed-in buyer's
// (another user's is the same 404 as none).
func (h *orderHandlers) buyerOrder(c *fiber.Ctx) (*models.Order, error) {
	id, err := orderID(c)
	if err != nil {
		return nil, err
	}
	return h.orders.OrderForBuyer(c.UserContext(), state(c).session.UserID, id)
}

// show is one of the buyer's orders; another user's is the same 404 as none.
// While a Stripe payment is being confirmed the page asks again every 2 s
// (?poll=N, at most maxStatusPolls times).
func (h *orderHandlers) show(c *fiber.Ctx) error {
	order, err := h.buyerOrder(c)
	if err != nil {
		return err
	}
	poll, _ := strconv.Atoi(c.Query("poll"))
	v := views.OrderView{Order: *order, Poll: poll, MaxPolls: maxStatusPolls, TestMode: h.demo != nil}
	return render(c, fiber.StatusOK, views.OrderPage(h.page(c, "Order "+strconv.FormatInt(order.ID, 10)), v))
}

// payPage is the test-mode payment page of a pending order.
func (h *orderHandlers) payPage(c *fiber.Ctx) error {
	order, err := h.buyerOrder(c)
	if err != nil {
		return err
	}
	if order.Provider != models.ProviderDemo {
		return fiber.ErrNotFound
	}
	return render(c, fiber.StatusOK, views.TestPaymentPage(h.page(c, "Pay (test mode)"), *order))
}

// pay pays (action=pay) or cancels (action=cancel) a pending test-mode order:
// the transitions a real provider's webhook makes.
func (h *orderHandlers) pay(c *fiber.Ctx) error {
	id, err := orderID(c)
	if err != nil {
		return err
	}
	buyer := state(c).session.UserID
	switch c.FormValue("action") {
	case "pay":
		if _, err := h.demo.Pay(c.UserContext(), buyer, id); err != nil {
			return err
		}
		h.setFlash(c, "order_paid")
	case "cancel":
		if _, err := h.demo.Cancel(c.UserContext(), buyer, id); err != nil {
			return err
		}
		h.setFlash(c, "order_cancelled")
	default:
		return models.Invalid(map[string]string{"action": "Choose Pay or Cancel."})
	}
	return redirect(c, paths.Order(id))
}
