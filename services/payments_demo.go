package services

import (
	"context"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// DemoPayments is the payment provider of the embedded default (no Stripe
// keys): no money moves. The buyer is sent to the shop's own page
// /orders/{id}/pay, marked "Test mode – no real payment", whose "Pay (test)" and
// "Cancel" buttons call Pay and Cancel: the same transitions as Stripe's
// webhook. main makes one only when no real provider is configured, so with
// Stripe keys there is no DemoPayments to call and the page is a 404; and
// demo orders left from before cannot be paid by it either.
type DemoPayments struct {
	orders *Orders
}

// NewDemoPayments returns the demo provider acting on orders.
func NewDemoPayments(orders *Orders) *DemoPayments { return &DemoPayments{orders: orders} }

// Name is models.ProviderDemo.
func (*DemoPayments) Name() string { return models.ProviderDemo }

// CreateSession sends the buyer to the demo payment page.
func (*DemoPayments) CreateSession(_ context.Context, req PaymentRequest) (PaymentSession, error) {
	return PaymentSession{URL: paths.OrderPay(req.Order.ID)}, nil
}

// ErrOrderNotPending refuses to pay or cancel an order that is no longer
// waiting for payment (ECONFLICT).
var ErrOrderNotPending = models.Conflict("This order is no longer waiting for payment.")

// demoOrder returns the buyer's pending demo order.
func (d *DemoPayments) demoOrder(ctx context.Context, buyerID, orderID int64) (*orderRow, error) {
	var row orderRow
	err := d.orders.db.NewSelect().Model(&row).Where("id = ? AND buyer_id = ? AND provider = ?", orderID, buyerID, models.ProviderDemo).Scan(ctx)
	if err != nil {
		if isNoRowsErr(err) {
			return nil, ErrOrderNotFound
		}
		return nil, dbError("demo payments: find order", err)
	}
	if row.Status != models.OrderPending {
		return nil, ErrOrderNotPending
	}
	return &row, nil
}

// Pay pays the buyer's pending demo order in full ("Pay (test)"): another
// user's order, or one not made with the demo provider, is ErrOrderNotFound;
// one no longer pending is ErrOrderNotPending.
func (d *DemoPayments) Pay(ctx context.Context, buyerID, orderID int64) (models.PaymentOutcome, error) {
	row, err := d.demoOrder(ctx, buyerID, orderID)
	if err != nil {
		return "", err
	}
	return d.orders.ApplyPayment(ctx, PaymentEvent{
		Provider: models.ProviderDemo, Kind: PaymentSucceeded, OrderID: row.ID, Ref: row.PaymentRef,
		AmountCents: row.TotalCents, Currency: row.Currency,
	})
}

// Cancel cancels the buyer's pending demo order and gives its stock back, with
// the errors of Pay.
func (d *DemoPayments) Cancel(ctx context.Context, buyerID, orderID int64) (models.PaymentOutcome, error) {
	row, err := d.demoOrder(ctx, buyerID, orderID)
	if err != nil {
		return "", err
	}
	return d.orders.Cancel(ctx, row.ID, "Cancelled by the buyer.")
}
