package services

import (
	"context"
	"time"

	"github.com/storefront/storefront/models"
)

// PaymentProvider takes a buyer's payment for an order. StripePayments is the
// real one (STRIPE_SECRET_KEY); DemoPayments, the embedded default, takes no
// money. Confirmations come back as PaymentEvents (Orders.ApplyPayment): from
// Stripe's webhook, or from the demo page.
type PaymentProvider interface {
	// Name is the provider as orders.provider records it.
	Name() string
	// CreateSession starts a payment for the order and returns where to send
	// the buyer. It may call out over the network: it is never called inside a
	// database transaction.
	CreateSession(ctx context.Context, req PaymentRequest) (PaymentSession, error)
}

// PaymentRequest is an order to pay.
type PaymentRequest struct {
	Order models.Order
	// Ref is the order's payment reference: the idempotency key of the call,
	// and what the provider must send back with every event for the order.
	Ref string
	// HoldExpiresAt is when the shop stops holding the stock.
	HoldExpiresAt time.Time
}

// PaymentSession is a started payment.
type PaymentSession struct {
	ID  string // the provider's id ("" for the demo)
	URL string // where the buyer pays: absolute, or a path of the shop's own
}

// ErrPaymentUnavailable answers a checkout whose payment could not be started
// (the provider is down or refused): the order is cancelled, the stock given
// back and the cart restored.
var ErrPaymentUnavailable = &models.Error{
	Code:       models.EUNAVAILABLE,
	Message:    "Payment is not available right now. Your cart is as it was; please try again in a moment.",
	RetryAfter: 30 * time.Second,
}
