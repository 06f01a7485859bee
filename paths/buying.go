package paths

import "strconv"

// The buying side (issue 12): cart, checkout, orders, payments, sales.
const (
	Cart      = "/cart"       // GET: the cart
	CartItems = "/cart/items" // POST product_id, quantity: add to the cart
	// CartItemPattern takes quantity (0 removes); CartItemDeletePattern removes.
	CartItemPattern       = "/cart/items/:product_id"
	CartItemDeletePattern = "/cart/items/:product_id/delete"
	Checkout              = "/checkout" // POST: order the cart, 303 to the payment page
	Orders                = "/orders"   // GET: the buyer's orders
	OrderPattern          = "/orders/:id"
	// OrderPayPattern is the demo provider's payment page (no real payment).
	OrderPayPattern = "/orders/:id/pay"
	AccountSales    = "/account/sales" // GET: the seller's sales
	StripeWebhook   = "/webhooks/stripe"
)

// CartItem is where a cart line's quantity is changed.
func CartItem(productID int64) string { return CartItems + "/" + strconv.FormatInt(productID, 10) }

// CartItemDelete removes a cart line.
func CartItemDelete(productID int64) string { return CartItem(productID) + "/delete" }

// Order is a buyer's order page (also Stripe's success page).
func Order(id int64) string { return Orders + "/" + strconv.FormatInt(id, 10) }

// OrderPay is the demo provider's payment page of an order.
func OrderPay(id int64) string { return Order(id) + "/pay" }
