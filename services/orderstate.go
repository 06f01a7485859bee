package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// An order moves only forward, each step one transaction that also records
// the payment event that caused it:
//
//	pending → paid       the provider confirmed the full amount (receipt and sold mails queued)
//	pending → flagged    a payment that does not match the order (stock stays reserved)
//	pending → cancelled  the buyer cancelled, the session expired or the hold ran out (stock given back)
//	cancelled → paid     a payment that arrived after the hold expired, while stock is left (reserved again)
//	cancelled → flagged  the same, with the stock gone: someone must refund
//
// Anything else (a second payment for a paid order, an expiry after payment)
// changes nothing.

// PaymentEventKind is what a payment event says happened.
type PaymentEventKind int

const (
	// PaymentSucceeded: the buyer paid AmountCents in Currency.
	PaymentSucceeded PaymentEventKind = iota + 1
	// PaymentEnded: the payment session expired or the payment failed; the
	// order is cancelled if it is still pending.
	PaymentEnded
)

// PaymentEvent is a provider's word about an order's payment.
type PaymentEvent struct {
	Provider string // models.ProviderStripe, models.ProviderDemo
	// EventID is the provider's id for the event: an id seen before changes
	// nothing (a replay). Empty: not recorded (the demo page).
	EventID string
	Kind    PaymentEventKind
	OrderID int64
	// Ref must be the order's payment reference (set at checkout and sent to
	// the provider), or the event is for an order of another shop.
	Ref         string
	AmountCents int64
	Currency    string // ISO code, any case
}

// ApplyPayment acts on a payment event in one transaction and says what it did.
// A replayed event id, an unknown order (or one whose reference does not match)
// and an order already past that state are no error: the provider is told
// "received" and the outcome is logged. Errors are the database's.
func (o *Orders) ApplyPayment(ctx context.Context, ev PaymentEvent) (models.PaymentOutcome, error) {
	var outcome models.PaymentOutcome
	err := InTx(ctx, o.db, func(ctx context.Context, tx bun.Tx) error {
		if ev.EventID != "" {
			fresh, err := recordEvent(ctx, tx, ev.Provider, ev.EventID, o.now())
			if err != nil || !fresh {
				outcome = models.PaymentReplay
				return err
			}
		}
		order, err := lockOrder(ctx, tx, ev.OrderID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (order.PaymentRef != ev.Ref || order.Provider != ev.Provider)) {
			outcome = models.PaymentUnknownOrder
			return nil
		}
		if err != nil {
			return err
		}
		switch ev.Kind {
		case PaymentSucceeded:
			outcome, err = o.markPaid(ctx, tx, order, ev)
		case PaymentEnded:
			outcome, err = o.cancel(ctx, tx, order.ID, "The payment session ended without payment.")
		default:
			return fmt.Errorf("orders: unknown payment event kind %d", ev.Kind)
		}
		return err
	})
	if err != nil {
		return "", dbError("orders: apply payment", err)
	}
	o.cfg.Log.InfoContext(ctx, "payment event", "provider", ev.Provider, "event_id", ev.EventID,
		"order_id", ev.OrderID, "outcome", string(outcome))
	return outcome, nil
}

// recordEvent records a provider's event id and reports whether it is new.
// Two deliveries of one event at once: the second waits on the key and then
// finds it (PostgreSQL), or runs after the first (SQLite).
func recordEvent(ctx context.Context, tx bun.Tx, provider, eventID string, now time.Time) (bool, error) {
	res, err := tx.NewRaw("INSERT INTO processed_webhook_events (provider, event_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		provider, eventID, now).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// lockOrder loads an order for a change. On PostgreSQL the row stays locked
// until the transaction ends; SQLite's transactions already run one at a time.
func lockOrder(ctx context.Context, tx bun.Tx, orderID int64) (*orderRow, error) {
	row := new(orderRow)
	q := tx.NewSelect().Model(row).Where("id = ?", orderID)
	if tx.Dialect().Name().String() == "pg" {
		q = q.For("UPDATE")
	}
	return row, q.Scan(ctx)
}

func orderStockLines(ctx context.Context, tx bun.Tx, orderID int64) ([]stockLine, error) {
	var lines []stockLine
	err := tx.NewRaw("SELECT product_id, quantity FROM order_lines WHERE order_id = ? AND product_id IS NOT NULL", orderID).
		Scan(ctx, &lines)
	return lines, err
}

func (o *Orders) markPaid(ctx context.Context, tx bun.Tx, order *orderRow, ev PaymentEvent) (models.PaymentOutcome, error) {
	if order.Status == models.OrderPaid || order.Status == models.OrderFlagged {
		return models.PaymentUnchanged, nil
	}
	now := o.now()
	if ev.AmountCents != order.TotalCents || !strings.EqualFold(ev.Currency, order.Currency) {
		got := models.FormatMoney(ev.AmountCents, strings.ToUpper(ev.Currency))
		want := models.FormatMoney(order.TotalCents, order.Currency)
		note := fmt.Sprintf("Paid %s for an order of %s: check and refund.", got, want)
		o.cfg.Log.ErrorContext(ctx, "payment does not match the order; flagged", "order_id", order.ID, "paid", got, "due", want)
		return models.PaymentFlagged, setStatus(ctx, tx, order.ID, models.OrderFlagged, note, nil)
	}
	note := ""
	if order.Status == models.OrderCancelled {
		// Paid after the hold ran out (the provider's session may outlive it by
		// a little): reserve the stock again if it is still there.
		lines, err := orderStockLines(ctx, tx, order.ID)
		if err != nil {
			return "", err
		}
		short, err := reserveStock(ctx, tx, lines)
		if err != nil {
			return "", err
		}
		if len(short) > 0 {
			o.cfg.Log.ErrorContext(ctx, "payment for a cancelled order whose stock is gone; flagged", "order_id", order.ID)
			return models.PaymentFlagged, setStatus(ctx, tx, order.ID, models.OrderFlagged,
				"Paid after it was cancelled, and the stock is gone: refund.", nil)
		}
		note = "Paid after it was cancelled; the stock was reserved again."
	}
	if err := setStatus(ctx, tx, order.ID, models.OrderPaid, note, &now); err != nil {
		return "", err
	}
	// The sellers' dashboards count the sale.
	if err := bumpOrderSellers(ctx, tx, order.ID); err != nil {
		return "", err
	}
	paid := *order
	paid.Status, paid.PaidAt, paid.Note = models.OrderPaid, &now, note
	return models.PaymentPaid, o.queuePaidMails(ctx, tx, &paid)
}

// setStatus moves an order to paid (paidAt) or flagged.
func setStatus(ctx context.Context, tx bun.Tx, orderID int64, status models.OrderStatus, note string, paidAt *time.Time) error {
	_, err := tx.NewUpdate().Model((*orderRow)(nil)).Set("status = ?", status).Set("note = ?", note).
		Set("paid_at = ?", paidAt).Where("id = ?", orderID).Exec(ctx)
	return err
}

// Cancel cancels a pending order and gives its stock back, once: an order that
// is not pending (already cancelled, paid, flagged) is left as it is
// (PaymentUnchanged). An unknown order is ErrOrderNotFound.
func (o *Orders) Cancel(ctx context.Context, orderID int64, note string) (models.PaymentOutcome, error) {
	var outcome models.PaymentOutcome
	err := InTx(ctx, o.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		outcome, err = o.cancel(ctx, tx, orderID, note)
		return err
	})
	return outcome, dbError("orders: cancel", err)
}

func (o *Orders) cancel(ctx context.Context, tx bun.Tx, orderID int64, note string) (models.PaymentOutcome, error) {
	// The status condition makes the change and the stock's return happen once,
	// however many cancellations race.
	res, err := tx.NewUpdate().Model((*orderRow)(nil)).Set("status = ?", models.OrderCancelled).
		Set("cancelled_at = ?", o.now()).Set("note = ?", note).
		Where("id = ? AND status = ?", orderID, models.OrderPending).Exec(ctx)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		exists, err := tx.NewSelect().Model((*orderRow)(nil)).Where("id = ?", orderID).Exists(ctx)
		if err == nil && !exists {
			err = ErrOrderNotFound
		}
		return models.PaymentUnchanged, err
	}
	lines, err := orderStockLines(ctx, tx, orderID)
	if err != nil {
		return "", err
	}
	return models.PaymentCancelled, releaseStock(ctx, tx, lines)
}

// queuePaidMails queues the buyer's receipt and each seller's notice in the
// paying transaction. A mail that cannot be made (a rendering bug, an address
// the mailer refuses) is logged and skipped: mail never blocks a payment.
func (o *Orders) queuePaidMails(ctx context.Context, tx bun.Tx, row *orderRow) error {
	if o.cfg.Mails == nil {
		return nil
	}
	lines, err := loadLines(ctx, tx, row.ID)
	if err != nil {
		return err
	}
	order := row.order(lines)
	var emails []struct {
		ID    int64  `bun:"id"`
		Email string `bun:"email"`
	}
	userIDs := []int64{order.BuyerID}
	for _, l := range order.Lines {
		userIDs = append(userIDs, l.SellerID)
	}
	if err := tx.NewRaw("SELECT id, email FROM users WHERE id IN (?)", bun.In(userIDs)).Scan(ctx, &emails); err != nil {
		return err
	}
	emailOf := map[int64]string{}
	for _, e := range emails {
		emailOf[e.ID] = e.Email
	}
	var mails []models.Email
	var what []string
	render := func(name string, mail models.Email, err error) {
		if err != nil {
			o.cfg.Log.ErrorContext(ctx, "order mail not rendered", "order_id", order.ID, "mail", name, "error", err)
			return
		}
		mails, what = append(mails, mail), append(what, name)
	}
	if to := emailOf[order.BuyerID]; to != "" {
		mail, err := o.cfg.Mails.Receipt(ctx, order, to)
		render("receipt", mail, err)
	}
	bySeller := map[int64][]models.OrderLine{}
	var sellers []int64
	for _, l := range order.Lines {
		if _, seen := bySeller[l.SellerID]; !seen {
			sellers = append(sellers, l.SellerID)
		}
		bySeller[l.SellerID] = append(bySeller[l.SellerID], l)
	}
	for _, seller := range sellers {
		if to := emailOf[seller]; to != "" { // "": the seller's account is gone
			mail, err := o.cfg.Mails.Sold(ctx, order, to, bySeller[seller])
			render("sold", mail, err)
		}
	}
	// One round trip for all of them; a database error fails the payment's
	// transaction, and the provider tries again.
	skipped, err := o.jobs.QueueEmails(ctx, tx, mails)
	for i, err := range skipped {
		o.cfg.Log.ErrorContext(ctx, "order mail not queued", "order_id", order.ID, "mail", what[i], "error", err)
	}
	return err
}

// ExpireHoldArgs is the job that ends a checkout's hold: queued with the order,
// to run at its hold's expiry.
type ExpireHoldArgs struct {
	OrderID int64 `json:"order_id"`
}

// Kind names the job in the queue; it must never change.
func (ExpireHoldArgs) Kind() string { return "order_hold_expiry" }

// ExpireHoldWorker cancels an order still pending when its hold expires and
// gives its stock back; a paid or already cancelled order is left alone.
// (It needs only the database, so main can list it before Jobs exists.)
func ExpireHoldWorker(db *bun.DB, log *slog.Logger) JobWorker {
	orders := NewOrders(db, nil, OrdersConfig{Log: log})
	return WorkJob(func(ctx context.Context, args ExpireHoldArgs) error {
		outcome, err := orders.Cancel(ctx, args.OrderID, "No payment arrived before the hold expired.")
		if errors.Is(err, ErrOrderNotFound) {
			return nil // deleted meanwhile: nothing to hold
		}
		if err == nil && outcome == models.PaymentCancelled {
			orders.cfg.Log.InfoContext(ctx, "checkout hold expired; order cancelled", "order_id", args.OrderID)
		}
		return err
	})
}

// WebhookEventRetention is how long a processed webhook event's id is kept to
// recognise a redelivery. Stripe redelivers for up to three days, and a replay
// of an older delivery fails its signature's five-minute tolerance anyway.
const WebhookEventRetention = 30 * 24 * time.Hour

// DeleteOldWebhookEvents removes the ids of events processed longer than
// WebhookEventRetention ago and returns how many (the housekeeping job).
func (o *Orders) DeleteOldWebhookEvents(ctx context.Context) (int64, error) {
	res, err := o.db.NewRaw("DELETE FROM processed_webhook_events WHERE processed_at < ?",
		o.now().Add(-WebhookEventRetention)).Exec(ctx)
	if err != nil {
		return 0, dbError("orders: delete old webhook events", err)
	}
	n, err := res.RowsAffected()
	return n, dbError("orders: delete old webhook events", err)
}
