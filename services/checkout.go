package services

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// Checkout turns a signed-in buyer's cart into a pending order and starts its
// payment.
type Checkout struct {
	db       *bun.DB
	jobs     *Jobs
	orders   *Orders
	provider PaymentProvider
	cfg      CheckoutConfig
}

// CheckoutConfig configures Checkout.
type CheckoutConfig struct {
	// Currency is the shop's currency (CURRENCY, default USD).
	Currency string
	// Hold is how long checkout reserves the stock for a payment (CHECKOUT_HOLD,
	// default 30 minutes).
	Hold time.Duration
	// ProviderTimeout bounds the call that starts a payment (default 20 s). It
	// runs on its own deadline, not the request's: an order must not be left
	// half-started because a page's database deadline passed.
	ProviderTimeout time.Duration
	Log             *slog.Logger
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Defaults of CheckoutConfig.
const (
	DefaultCheckoutHold    = 30 * time.Minute
	defaultProviderTimeout = 20 * time.Second
)

// ErrNothingToCheckout answers a checkout of a cart with nothing that can be bought.
var ErrNothingToCheckout = models.Errorf(models.EINVALID, "Your cart has nothing that can be bought right now.")

// NewCheckout returns the checkout service: orders for the cancellation when a
// payment cannot start, provider to take payments.
func NewCheckout(db *bun.DB, jobs *Jobs, orders *Orders, provider PaymentProvider, cfg CheckoutConfig) *Checkout {
	if cfg.Currency == "" {
		cfg.Currency = models.DefaultCurrency
	}
	if cfg.Hold <= 0 {
		cfg.Hold = DefaultCheckoutHold
	}
	if cfg.ProviderTimeout <= 0 {
		cfg.ProviderTimeout = defaultProviderTimeout
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Checkout{db: db, jobs: jobs, orders: orders, provider: provider, cfg: cfg}
}

// Provider is the payment provider's name (models.ProviderStripe or ProviderDemo).
func (c *Checkout) Provider() string { return c.provider.Name() }

// Checkout orders the buyer's cart and returns the pending order, whose
// PaymentURL is where to send the buyer (303): Stripe's page, or the demo's
// /orders/{id}/pay.
//
// It runs in two steps, because the provider is called over the network:
//
//  1. One transaction snapshots the cart's buyable lines, reserves their stock
//     (a conditional UPDATE per product: stock never goes below zero), creates
//     the order and its lines, queues the job that ends the hold at its expiry,
//     and takes those lines out of the cart. Nothing is half-done: a shortage
//     rolls it all back.
//  2. After the commit, the provider's session is created (with the order's
//     random payment reference as idempotency key) and its id and URL stored.
//     Calling Stripe inside the transaction would hold the products' row locks
//     for a network round trip, serialising every checkout of a popular product
//     behind Stripe's latency, and a timeout there would leave us not knowing
//     whether a session exists. If the call fails, the order is cancelled, its
//     stock given back and the lines put back in the cart (one transaction), and
//     the answer is ErrPaymentUnavailable; if even that fails, the expiry job
//     does it when the hold ends.
//
// Errors: ErrNothingToCheckout (EINVALID) for a cart with nothing buyable;
// ECONFLICT when stock is short (or every buyable line has sold out), Message naming each product ("Teapot: Only 2
// left. Mug: Sold out.") and Fields mapping each product id (decimal) to
// "Only N left" or "Sold out"; ErrUserGone; ErrPaymentUnavailable (EUNAVAILABLE).
func (c *Checkout) Checkout(ctx context.Context, buyerID int64) (*models.Order, error) {
	order, ref, err := c.placeOrder(ctx, buyerID)
	if err != nil {
		return nil, err
	}
	// The order is committed: finish starting its payment whatever happens to
	// the request now.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.ProviderTimeout)
	defer cancel()
	session, err := c.provider.CreateSession(pctx, PaymentRequest{Order: *order, Ref: ref, HoldExpiresAt: order.HoldExpiresAt})
	if err == nil {
		_, err = c.db.NewUpdate().Model((*orderRow)(nil)).
			Set("provider_session_id = ?", nullIfEmpty(session.ID)).Set("payment_url = ?", session.URL).
			Where("id = ?", order.ID).Exec(pctx)
		if err == nil {
			order.PaymentURL = session.URL
			return order, nil
		}
	}
	c.cfg.Log.ErrorContext(ctx, "checkout: payment could not start; cancelling the order",
		"order_id", order.ID, "provider", c.provider.Name(), "error", err)
	if err := c.abandon(pctx, buyerID, order); err != nil {
		c.cfg.Log.ErrorContext(ctx, "checkout: cancelling the order failed; its hold expiry will",
			"order_id", order.ID, "error", err)
	}
	return nil, ErrPaymentUnavailable
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// placeOrder is step 1 of Checkout: it returns the order and its payment reference.
func (c *Checkout) placeOrder(ctx context.Context, buyerID int64) (*models.Order, string, error) {
	owner := models.CartOwner{UserID: buyerID}
	now := c.cfg.Now().UTC().Truncate(time.Microsecond)
	row := &orderRow{
		BuyerID: sqlInt(buyerID), Status: models.OrderPending, Currency: c.cfg.Currency, Provider: c.provider.Name(),
		PaymentRef: NewToken(), HoldExpiresAt: now.Add(c.cfg.Hold), CreatedAt: now,
	}
	var lines []orderLineRow
	err := InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		rows, err := loadCartRows(ctx, tx, owner)
		if err != nil {
			return err
		}
		var wanted []stockLine
		var soldOut []orderLineRow
		lines = lines[:0]
		for _, r := range rows {
			if l := r.line(owner); !l.Available() {
				// Shown as "no longer available" in the cart, left out here.
				if l.State == models.CartLineSoldOut {
					soldOut = append(soldOut, orderLineRow{ProductID: sqlInt(r.ProductID), ProductName: r.Name})
				}
				continue
			}
			wanted = append(wanted, stockLine{ProductID: r.ProductID, Quantity: r.Quantity})
			lines = append(lines, orderLineRow{
				ProductID: sqlInt(r.ProductID), SellerID: sqlInt(r.SellerID), ProductName: r.Name,
				StoreName: r.StoreName, UnitPriceCents: r.PriceCents, Quantity: r.Quantity,
			})
			row.TotalCents += r.PriceCents * int64(r.Quantity)
		}
		if len(lines) == 0 && len(soldOut) > 0 {
			// Sold out since it was put in the cart (perhaps by the checkout
			// just before this one): say so, as a shortage.
			short := map[int64]int64{}
			for _, l := range soldOut {
				short[l.ProductID.Int64] = 0
			}
			return shortageError(soldOut, short)
		}
		if len(lines) == 0 {
			return ErrNothingToCheckout
		}
		short, err := reserveStock(ctx, tx, wanted)
		if err != nil {
			return err
		}
		if len(short) > 0 {
			return shortageError(lines, short)
		}
		if _, err := tx.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
			if isForeignKeyViolation(err) {
				return ErrUserGone
			}
			return err
		}
		for i := range lines {
			lines[i].OrderID = row.ID
		}
		if _, err := tx.NewInsert().Model(&lines).Returning("id").Exec(ctx); err != nil {
			return err
		}
		if err := c.jobs.EnqueueAt(ctx, tx, ExpireHoldArgs{OrderID: row.ID}, row.HoldExpiresAt); err != nil {
			return err
		}
		ids := make([]int64, len(wanted))
		for i, w := range wanted {
			ids[i] = w.ProductID
		}
		_, err = tx.NewRaw("DELETE FROM cart_items WHERE product_id IN (?) AND cart_id = (SELECT id FROM carts WHERE user_id = ?)",
			bun.In(ids), buyerID).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, "", dbError("checkout: place order", err)
	}
	order := row.order(lines)
	return &order, row.PaymentRef, nil
}

func sqlInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }

// shortageError is the ECONFLICT that names each product with too few left.
func shortageError(lines []orderLineRow, short map[int64]int64) error {
	e := models.Conflict("")
	e.Fields = map[string]string{}
	var parts []string
	for _, l := range lines {
		left, ok := short[l.ProductID.Int64]
		if !ok {
			continue
		}
		msg := SoldOutMessage
		if left > 0 {
			msg = OnlyLeftMessage(left)
		}
		e.Fields[strconv.FormatInt(l.ProductID.Int64, 10)] = msg
		parts = append(parts, fmt.Sprintf("%s: %s.", l.ProductName, msg))
	}
	e.Message = strings.Join(parts, " ")
	return e
}

// abandon cancels an order whose payment could not start and puts its lines
// back in the buyer's cart (quantities added to what is there, capped at 99).
func (c *Checkout) abandon(ctx context.Context, buyerID int64, order *models.Order) error {
	return InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		outcome, err := c.orders.WithTx(tx).cancel(ctx, tx, order.ID, "The payment could not be started.")
		if err != nil || outcome != models.PaymentCancelled {
			return err
		}
		carts := NewCarts(nil, CartsConfig{Now: c.cfg.Now})
		cartID, err := carts.ensureCart(ctx, tx, models.CartOwner{UserID: buyerID})
		if err != nil {
			return err
		}
		for _, l := range order.Lines {
			if l.ProductID == 0 {
				continue
			}
			// A product deleted meanwhile has no row to select: its line stays out.
			_, err := tx.NewRaw(`INSERT INTO cart_items (cart_id, product_id, quantity, added_price_cents, added_at)
				SELECT ?, p.id, ?, ?, ? FROM products p WHERE p.id = ? `+addQuantitiesSQL(),
				cartID, l.Quantity, l.UnitPriceCents, order.CreatedAt, l.ProductID).Exec(ctx)
			if err != nil {
				return err
			}
		}
		return nil
	})
}
