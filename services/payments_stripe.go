package services

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// StripePayments takes payments with Stripe Checkout
// (github.com/stripe/stripe-go): CreateSession makes a Checkout Session with
// the order's lines, and HandleWebhook acts on the events Stripe posts back.
type StripePayments struct {
	client *stripe.Client
	orders *Orders
	cfg    StripeConfig
}

// StripeConfig configures StripePayments.
type StripeConfig struct {
	SecretKey     string // STRIPE_SECRET_KEY
	WebhookSecret string // STRIPE_WEBHOOK_SECRET: the signing secret of the webhook endpoint
	// APIURL replaces Stripe's API base (STRIPE_API_URL; tests use stripe-mock).
	APIURL string
	// PublicURL is PUBLIC_URL: the success and cancel pages are under it.
	PublicURL string
	// MaxNetworkRetries is how often the SDK retries a call that failed on the
	// way (same idempotency key, so never twice). nil: the SDK's default (2).
	MaxNetworkRetries *int64
	Log               *slog.Logger
}

// stripeMinSessionLife and stripeMaxSessionLife bound a Checkout Session's
// expires_at: Stripe accepts 30 minutes to 24 hours from creation.
const (
	stripeMinSessionLife = 31 * time.Minute
	stripeMaxSessionLife = 24 * time.Hour
)

// NewStripePayments returns the Stripe provider; confirmed payments go to orders.
func NewStripePayments(cfg StripeConfig, orders *Orders) (*StripePayments, error) {
	if cfg.SecretKey == "" || cfg.WebhookSecret == "" {
		return nil, errors.New("stripe: the secret key and the webhook signing secret are both required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	backend := &stripe.BackendConfig{
		// The SDK logs every 4xx at error level itself; ours says what failed once.
		LeveledLogger:     quietStripeLog{cfg.Log},
		MaxNetworkRetries: cfg.MaxNetworkRetries,
		HTTPClient:        &http.Client{Timeout: 15 * time.Second},
	}
	if cfg.APIURL != "" {
		backend.URL = stripe.String(strings.TrimSuffix(cfg.APIURL, "/"))
	}
	client := stripe.NewClient(cfg.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(backend)))
	return &StripePayments{client: client, orders: orders, cfg: cfg}, nil
}

// Name is models.ProviderStripe.
func (*StripePayments) Name() string { return models.ProviderStripe }

// CreateSession creates a Checkout Session for the order: its lines at their
// snapshot prices, client_reference_id the order id, the payment reference in
// the metadata and as the idempotency key (a retried call returns the same
// session), success page /orders/{id}, cancel page /cart, and an expiry close
// to the shop's hold.
func (s *StripePayments) CreateSession(ctx context.Context, req PaymentRequest) (PaymentSession, error) {
	order := req.Order
	orderID := strconv.FormatInt(order.ID, 10)
	expires := req.HoldExpiresAt
	if now := time.Now(); expires.Before(now.Add(stripeMinSessionLife)) {
		expires = now.Add(stripeMinSessionLife)
	} else if expires.After(now.Add(stripeMaxSessionLife)) {
		expires = now.Add(stripeMaxSessionLife)
	}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(orderID),
		SuccessURL:        stripe.String(s.cfg.PublicURL + paths.Order(order.ID)),
		CancelURL:         stripe.String(s.cfg.PublicURL + paths.Cart),
		ExpiresAt:         stripe.Int64(expires.Unix()),
		Metadata:          map[string]string{"order_id": orderID, "payment_ref": req.Ref},
	}
	currency := strings.ToLower(order.Currency)
	for _, l := range order.Lines {
		name := l.ProductName
		if l.StoreName != "" {
			name += " (" + l.StoreName + ")"
		}
		params.LineItems = append(params.LineItems, &stripe.CheckoutSessionCreateLineItemParams{
			Quantity: stripe.Int64(int64(l.Quantity)),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(currency),
				UnitAmount:  stripe.Int64(l.UnitPriceCents),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(name)},
			},
		})
	}
	params.SetIdempotencyKey("checkout-" + req.Ref)
	session, err := s.client.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return PaymentSession{}, fmt.Errorf("stripe: create checkout session: %w", err)
	}
	if session.URL == "" || session.ID == "" {
		return PaymentSession{}, errors.New("stripe: the checkout session has no id or URL")
	}
	return PaymentSession{ID: session.ID, URL: session.URL}, nil
}

// ErrBadWebhookSignature answers a webhook whose Stripe-Signature header is
// missing or wrong, too old, or for another API version: 400, nothing changes.
var ErrBadWebhookSignature = models.Errorf(models.EINVALID, "The webhook signature is missing or invalid.")

// HandleWebhook verifies a webhook from Stripe (its raw body and its
// Stripe-Signature header) with the endpoint's signing secret and acts on it:
//
//   - checkout.session.completed with payment_status paid, and
//     checkout.session.async_payment_succeeded: the order is paid if the amount
//     and currency match it, else flagged;
//   - checkout.session.expired and checkout.session.async_payment_failed: the
//     order is cancelled and its stock given back;
//   - anything else, and a completed session still waiting for a delayed
//     payment method: PaymentIgnored.
//
// Every event acted on is recorded by id, so a replay changes nothing. An
// event for an order this shop does not have (or another shop's, by its payment
// reference) is PaymentUnknownOrder with no error: Stripe retries anything
// but a 2xx for days, and no retry can make it known. Errors:
// ErrBadWebhookSignature (errors.Is; a 400, not the usual 422 of EINVALID;
// the error's text says why, for the log) or the
// database's (a 5xx: Stripe tries again later).
func (s *StripePayments) HandleWebhook(ctx context.Context, payload []byte, signature string) (models.PaymentOutcome, error) {
	event, err := webhook.ConstructEvent(payload, signature, s.cfg.WebhookSecret)
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrBadWebhookSignature, err)
	}
	var kind PaymentEventKind
	switch event.Type {
	case stripe.EventTypeCheckoutSessionCompleted, stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded:
		kind = PaymentSucceeded
	case stripe.EventTypeCheckoutSessionExpired, stripe.EventTypeCheckoutSessionAsyncPaymentFailed:
		kind = PaymentEnded
	default:
		return models.PaymentIgnored, nil
	}
	var session stripe.CheckoutSession
	if event.Data == nil || json.Unmarshal(event.Data.Raw, &session) != nil {
		s.cfg.Log.WarnContext(ctx, "stripe webhook: the event holds no checkout session", "event_id", event.ID, "type", string(event.Type))
		return models.PaymentIgnored, nil
	}
	if event.Type == stripe.EventTypeCheckoutSessionCompleted && session.PaymentStatus == stripe.CheckoutSessionPaymentStatusUnpaid {
		// A delayed payment method: async_payment_succeeded or _failed follows.
		return models.PaymentIgnored, nil
	}
	orderID, err := strconv.ParseInt(session.ClientReferenceID, 10, 64)
	if err != nil || orderID <= 0 {
		s.cfg.Log.WarnContext(ctx, "stripe webhook: no order id in the session", "event_id", event.ID, "session", session.ID)
		return models.PaymentUnknownOrder, nil
	}
	return s.orders.ApplyPayment(ctx, PaymentEvent{
		Provider: models.ProviderStripe, EventID: event.ID, Kind: kind, OrderID: orderID,
		Ref: session.Metadata["payment_ref"], AmountCents: session.AmountTotal, Currency: string(session.Currency),
	})
}

// quietStripeLog hands the SDK's own log lines to ours at debug level: the
// errors it logs are returned to us as well, and we log them once, with context.
type quietStripeLog struct{ log *slog.Logger }

func (l quietStripeLog) Debugf(format string, v ...any) { l.debug(format, v...) }
func (l quietStripeLog) Infof(format string, v ...any)  { l.debug(format, v...) }
func (l quietStripeLog) Warnf(format string, v ...any)  { l.debug(format, v...) }
func (l quietStripeLog) Errorf(format string, v ...any) { l.debug(format, v...) }

func (l quietStripeLog) debug(format string, v ...any) {
	l.log.Debug("stripe sdk", "message", fmt.Sprintf(format, v...))
}
