package models

import "time"

// OrderStatus is where an order stands.
type OrderStatus string

const (
	// OrderPending: created at checkout, stock reserved, waiting for payment
	// until HoldExpiresAt.
	OrderPending OrderStatus = "pending"
	// OrderPaid: the payment provider confirmed the full amount.
	OrderPaid OrderStatus = "paid"
	// OrderCancelled: the buyer cancelled, the provider's session expired or the
	// hold ran out; the stock went back.
	OrderCancelled OrderStatus = "cancelled"
	// OrderFlagged: a payment arrived that does not match the order (amount or
	// currency), or arrived after the order was cancelled and its stock was gone.
	// Someone must look at it; the stock stays reserved.
	OrderFlagged OrderStatus = "flagged"
)

// Payment providers (orders.provider).
const (
	ProviderStripe = "stripe"
	ProviderDemo   = "demo"
)

// Order is a buyer's order: a snapshot of the cart's lines at checkout.
type Order struct {
	ID         int64
	BuyerID    int64 // 0 once the buyer's account is deleted
	Status     OrderStatus
	TotalCents int64
	Currency   string
	Provider   string
	// PaymentURL is where the buyer pays while the order is pending ("" until
	// the provider's session exists).
	PaymentURL    string
	HoldExpiresAt time.Time
	CreatedAt     time.Time
	PaidAt        *time.Time
	CancelledAt   *time.Time
	// Note says why an order was cancelled or flagged (for the shop's staff).
	Note  string
	Lines []OrderLine
}

// Total formats the order's total with its currency.
func (o Order) Total() string { return FormatMoney(o.TotalCents, o.Currency) }

// ItemCount is the number of items in the order.
func (o Order) ItemCount() int {
	n := 0
	for _, l := range o.Lines {
		n += l.Quantity
	}
	return n
}

// OrderLine is one product in an order, as it was at checkout.
type OrderLine struct {
	ID             int64
	ProductID      int64 // 0 once the product is deleted for good
	SellerID       int64 // 0 once the seller's account is deleted
	ProductName    string
	StoreName      string
	UnitPriceCents int64
	Quantity       int
}

// TotalCents is the line's amount.
func (l OrderLine) TotalCents() int64 { return l.UnitPriceCents * int64(l.Quantity) }

// Sale is one paid order line of a seller's product, for the seller's sales page.
type Sale struct {
	OrderID     int64
	PaidAt      time.Time
	ProductID   int64
	ProductName string
	Quantity    int
	AmountCents int64
	Currency    string
	BuyerEmail  string // "" once the buyer's account is deleted
}

// Amount is a sum of money in one currency.
type Amount struct {
	Cents    int64
	Currency string
}

// String formats the amount.
func (a Amount) String() string { return FormatMoney(a.Cents, a.Currency) }

// Sales is a seller's paid order lines since a date, newest first, with totals.
type Sales struct {
	Since time.Time
	Lines []Sale
	// Orders and Items count the paid orders and items since Since; Revenue is
	// their amount, one entry per currency (one unless CURRENCY changed).
	Orders  int
	Items   int
	Revenue []Amount
}

// ProductSales is what one of a seller's products has sold, for the dashboard.
type ProductSales struct {
	ProductID   int64
	ProductName string // the name in the newest sale
	Items       int
	Revenue     []Amount
}

// PaymentOutcome says what a payment event did, for the log.
type PaymentOutcome string

const (
	PaymentPaid         PaymentOutcome = "paid"
	PaymentFlagged      PaymentOutcome = "flagged"
	PaymentCancelled    PaymentOutcome = "cancelled"
	PaymentReplay       PaymentOutcome = "replay"        // the event id was seen before: nothing changed
	PaymentUnchanged    PaymentOutcome = "unchanged"     // the order was already past that state
	PaymentUnknownOrder PaymentOutcome = "unknown_order" // no such order here: acknowledged, logged
	PaymentIgnored      PaymentOutcome = "ignored"       // an event type the shop does not act on
)
