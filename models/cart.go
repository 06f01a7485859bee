package models

import "time"

// CartMaxQuantity is the most of one product a cart line holds.
const CartMaxQuantity = 99

// CartOwner names whose cart: a signed-in user's (UserID), or a guest's, by the
// random token the guest's session keeps (GuestToken). Exactly one is set.
type CartOwner struct {
	UserID     int64
	GuestToken string
}

// Cart is a cart as the cart page shows it: every line, including those that can
// no longer be bought, with current prices.
type Cart struct {
	Lines []CartLine
	// SubtotalCents sums the line totals of the lines that can be bought.
	SubtotalCents int64
	// ItemCount is the number of items in the cart (quantities summed, every line).
	ItemCount int
	// Checkoutable reports whether at least one line can be bought.
	Checkoutable bool
	// Version is a fingerprint of the lines as read (services.CartVersion).
	Version string
}

// CartLineState says whether a line can be bought, and if not, why.
type CartLineState string

const (
	CartLineAvailable   CartLineState = "available"
	CartLineUnavailable CartLineState = "unavailable" // a draft or deleted product
	CartLineSoldOut     CartLineState = "sold_out"
	CartLineOwnProduct  CartLineState = "own_product" // came in with a guest cart merged into the seller's
)

// CartLine is one product in a cart.
type CartLine struct {
	ProductID int64
	Name      string
	StoreName string
	// Cover is the product's cover image (zero for none).
	Cover Image
	// UnitPriceCents is the product's current price; AddedPriceCents the price
	// when it was put in the cart. PriceChanged is true when they differ.
	UnitPriceCents  int64
	AddedPriceCents int64
	PriceChanged    bool
	Quantity        int
	// Stock is what is left (nil: unlimited). Short is true when the line asks
	// for more than that: checkout will say "Only N left".
	Stock *int64
	Short bool
	State CartLineState
	// LineTotalCents is UnitPriceCents × Quantity (also for lines that cannot
	// be bought, which the subtotal leaves out).
	LineTotalCents int64
	AddedAt        time.Time
}

// Available reports whether the line counts towards the subtotal and checkout.
func (l CartLine) Available() bool { return l.State == CartLineAvailable }

// StockSettled reports whether what the cart shows of its products' stock can
// change only with the catalogue version. Sales take and give back stock
// without a new catalogue version while it stays above LowStock (StockShown),
// so a line asking for more than LowStock of a product with more than that
// left could turn "Only N left" by another buyer's checkout alone; every other
// line cannot (unlimited stock, stock at or below LowStock, or a quantity that
// any stock above LowStock covers). A cart page is cached only while this holds.
func (c Cart) StockSettled() bool {
	for _, l := range c.Lines {
		if l.Stock != nil && !StockShown(*l.Stock) && l.Quantity > LowStock {
			return false
		}
	}
	return true
}
