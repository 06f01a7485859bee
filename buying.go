package main

import (
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// buying is the shop's buying side: carts, checkout, orders and the payment
// provider the configuration picks.
type buying struct {
	Carts    *services.Carts
	Orders   *services.Orders
	Checkout *services.Checkout
	// Exactly one is set: Stripe with STRIPE_SECRET_KEY (its webhook route
	// calls HandleWebhook), else Demo (the /orders/{id}/pay page). With Stripe
	// there is no demo page at all.
	Stripe *services.StripePayments
	Demo   *services.DemoPayments
}

// newBuying wires the buying services. The hold-expiry job's worker is listed
// with the others in run (services.ExpireHoldWorker).
func newBuying(cfg Config, db *bun.DB, jobs *services.Jobs, log *slog.Logger) (*buying, error) {
	b := &buying{
		// No guest session outlives SESSION_MAX_LIFETIME, so neither must its cart.
		Carts:  services.NewCarts(db, services.CartsConfig{GuestCartTTL: cfg.SessionMaxLifetime}),
		Orders: services.NewOrders(db, jobs, services.OrdersConfig{Mails: views.OrderMails{ShopURL: cfg.PublicURL}, Log: log}),
	}
	var provider services.PaymentProvider
	if cfg.StripeSecretKey != "" {
		stripe, err := services.NewStripePayments(services.StripeConfig{
			SecretKey: cfg.StripeSecretKey, WebhookSecret: cfg.StripeWebhookSecret, APIURL: cfg.StripeAPIURL,
			PublicURL: cfg.PublicURL, Log: log,
		}, b.Orders)
		if err != nil {
			return nil, err
		}
		b.Stripe, provider = stripe, stripe
	} else {
		b.Demo = services.NewDemoPayments(b.Orders)
		provider = b.Demo
	}
	b.Checkout = services.NewCheckout(db, jobs, b.Orders, provider, services.CheckoutConfig{
		Currency: cfg.Currency, Hold: cfg.CheckoutHold, Log: log,
	})
	return b, nil
}
