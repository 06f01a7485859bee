package handlers

import (
	"context"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// cartStore is what the cart pages ask of services.Carts.
type cartStore interface {
	Add(ctx context.Context, owner models.CartOwner, productID int64, qty int) (int, error)
	AddItem(ctx context.Context, owner models.CartOwner, productID int64, qty int) error
	SetQuantity(ctx context.Context, owner models.CartOwner, productID int64, qty int) error
	RemoveItem(ctx context.Context, owner models.CartOwner, productID int64) error
	ItemCount(ctx context.Context, owner models.CartOwner) (int, error)
	Cart(ctx context.Context, owner models.CartOwner) (*models.Cart, error)
	CartState(ctx context.Context, owner models.CartOwner) (services.CartVersion, int, error)
}

// guestSessions is what a guest's first add to a cart asks of services.Sessions.
type guestSessions interface {
	StartGuest(ctx context.Context, client services.ClientInfo) (*services.Session, error)
}

// cartHandlers serve the cart: adding to it, the cart page, changing and
// removing its lines.
type cartHandlers struct {
	*web
	carts    cartStore
	sessions guestSessions
	currency string
	media    mediaURL // the lines' cover pictures
	// pages caches the cart page's content (cartpage.go); nil: no cache.
	pages *cartPageCache
}

// cartOwnerOf names the cart of a session: the user's once signed in, else the
// guest's by the session's cart token. No session (or a session without a cart
// token) has no cart.
func cartOwnerOf(sess *services.Session) (models.CartOwner, bool) {
	switch {
	case sess.SignedIn():
		return models.CartOwner{UserID: sess.UserID}, true
	case sess != nil && sess.CartToken != "":
		return models.CartOwner{GuestToken: sess.CartToken}, true
	}
	return models.CartOwner{}, false
}

// cartQuantity reads a quantity field: a decimal number from low to 99.
func cartQuantity(raw string, low int) (int, bool) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < low || n > models.CartMaxQuantity {
		return 0, false
	}
	return n, true
}

// add puts a product in the visitor's cart (POST /cart/items). A visitor with no
// session gets a guest session now: verifyCSRF(firstCartAdd) has checked that
// the request comes from one of our pages.
func (h *cartHandlers) add(c *fiber.Ctx) error {
	productID, ok := models.ParseProductID(c.FormValue("product_id"))
	if !ok {
		return models.Invalid(map[string]string{"product_id": "Choose a product to add."})
	}
	box := views.BuyBox{ProductID: productID, OnSale: true, Quantity: c.FormValue("quantity")}
	st := state(c)
	if st.unconfirmedCartAdd {
		// No token (verifyCSRF): nothing changes until the visitor confirms.
		return render(c, fiber.StatusOK, views.AddToCartPage(h.page(c, "Add to cart"), box))
	}
	fromCard := c.FormValue("from") == "card"
	qty, ok := cartQuantity(box.Quantity, 1)
	if !ok {
		return h.refuseAdd(c, box, services.ErrCartQuantity)
	}
	if st.session == nil {
		client := services.ClientInfo{UserAgent: c.Get(fiber.HeaderUserAgent), IP: clientIP(c)}
		sess, err := h.sessions.StartGuest(c.UserContext(), client)
		if err != nil {
			return err
		}
		st.session = sess
		h.setSessionCookie(c, sess.ID)
	}
	owner, _ := cartOwnerOf(st.session)
	// Only an htmx answer shows the cart's count (the nav's, swapped out of
	// band); a redirect's next page reads it with the user, so a plain add
	// does not count the cart.
	var count int
	var err error
	if isHTMX(c) {
		count, err = h.carts.Add(c.UserContext(), owner, productID, qty)
	} else {
		err = h.carts.AddItem(c.UserContext(), owner, productID, qty)
	}
	if err != nil {
		if fromCard && isHTMX(c) {
			return h.refuseCardAdd(c, productID, err)
		}
		return h.refuseAdd(c, box, err)
	}
	if !isHTMX(c) {
		h.setFlash(c, "added_to_cart")
		return c.Redirect(addedRedirect(c, productID, fromCard), fiber.StatusSeeOther)
	}
	// The nav's count is the one the add returned: no second query.
	st.cartCount = func() int { return count }
	if fromCard {
		return render(c, fiber.StatusOK, templJoin(views.CardAdd(productID, true, ""), views.CartCountOOB(count)))
	}
	box.Added, box.Quantity = true, ""
	p := h.page(c, "")
	return render(c, fiber.StatusOK, templJoin(views.AddToCart(p.CSRFToken, box), views.CartCountOOB(p.CartCount)))
}

// addedRedirect is where a plain add goes back to: the list the card was on
// (the Referer, when it is one of our own pages), else the product.
func addedRedirect(c *fiber.Ctx, productID int64, fromCard bool) string {
	if fromCard {
		if u, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && u.Host == c.Hostname() {
			if back, ok := models.SafeLocalPath(u.RequestURI()); ok {
				return back
			}
		}
	}
	return paths.Product(productID)
}

// refuseCardAdd answers a card's refused htmx add in place: the card's form
// with the reason, and the status refuseAdd would give.
func (h *cartHandlers) refuseCardAdd(c *fiber.Ctx, productID int64, err error) error {
	status := fiber.StatusUnprocessableEntity
	switch models.ErrorCode(err) {
	case models.EINVALID:
	case models.ECONFLICT:
		status = fiber.StatusConflict
	default:
		return err
	}
	msg := models.ErrorMessage(err)
	if m := models.FieldErrors(err)["quantity"]; m != "" {
		msg = m
	}
	return render(c, status, views.CardAdd(productID, false, msg))
}

// refuseAdd answers an add the cart refused: the buy box again with the reason
// and the quantity as typed (in place for htmx, on a page of its own without
// JavaScript), 422 for bad input or the seller's own product, 409 when the
// product is sold out or short; an unknown product is the usual 404.
func (h *cartHandlers) refuseAdd(c *fiber.Ctx, box views.BuyBox, err error) error {
	status := fiber.StatusUnprocessableEntity
	switch models.ErrorCode(err) {
	case models.EINVALID:
	case models.ECONFLICT:
		status = fiber.StatusConflict
	default:
		return err
	}
	box.Message = models.ErrorMessage(err)
	if msg := models.FieldErrors(err)["quantity"]; msg != "" {
		box.Message = msg
	}
	if err == services.ErrOwnProduct {
		box.Own = true
	}
	p := h.page(c, "Add to cart")
	if isHTMX(c) {
		return render(c, status, views.AddToCart(p.CSRFToken, box))
	}
	return render(c, status, views.AddToCartPage(p, box))
}

// show is the cart page. A guest without a session has an empty cart and gets
// no session for looking at it.
func (h *cartHandlers) show(c *fiber.Ctx) error {
	if owner, ok := cartOwnerOf(state(c).session); ok && h.pages != nil {
		if served, err := h.showCached(c, owner); served || err != nil {
			return err
		}
	}
	return h.renderCart(c, fiber.StatusOK, "", nil)
}

// renderCart shows the cart page with status, a form-level message and
// problems per line (product id → message).
func (h *cartHandlers) renderCart(c *fiber.Ctx, status int, message string, problems map[string]string) error {
	cart := &models.Cart{}
	sess := state(c).session
	if owner, ok := cartOwnerOf(sess); ok {
		var err error
		if cart, err = h.carts.Cart(c.UserContext(), owner); err != nil {
			return err
		}
	}
	v := views.CartView{Cart: *cart, Currency: h.currency, Message: message, Problems: problems, SignedIn: sess.SignedIn(),
		Media: views.MediaURL(h.media)}
	// The nav's count is the cart's own: no second query.
	state(c).cartCount = func() int { return cart.ItemCount }
	p := h.page(c, "Your cart")
	return render(c, status, views.CartPage(p, v))
}

// lineProduct reads the product id of a cart line's path.
func lineProduct(c *fiber.Ctx) (int64, error) {
	id, ok := models.ParseProductID(c.Params("product_id"))
	if !ok {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// cartLineOf names the line a request acts on: the product in its path, in
// the visitor's cart (no cart: the same 404 as a product not in it).
func cartLineOf(c *fiber.Ctx) (models.CartOwner, int64, error) {
	productID, err := lineProduct(c)
	if err != nil {
		return models.CartOwner{}, 0, err
	}
	owner, ok := cartOwnerOf(state(c).session)
	if !ok {
		return models.CartOwner{}, 0, services.ErrNotInCart
	}
	return owner, productID, nil
}

// setQuantity changes a line's quantity (0 removes it).
func (h *cartHandlers) setQuantity(c *fiber.Ctx) error {
	owner, productID, err := cartLineOf(c)
	if err != nil {
		return err
	}
	key := strconv.FormatInt(productID, 10)
	qty, ok := cartQuantity(c.FormValue("quantity"), 0)
	if !ok {
		return h.renderCart(c, fiber.StatusUnprocessableEntity, "", map[string]string{key: "Choose a quantity from 0 to 99."})
	}
	if qty == 0 {
		return h.remove(c)
	}
	err = h.carts.SetQuantity(c.UserContext(), owner, productID, qty)
	if err == nil {
		h.setFlash(c, "cart_updated")
		return redirect(c, paths.Cart)
	}
	switch models.ErrorCode(err) {
	case models.EINVALID:
		return h.renderCart(c, fiber.StatusUnprocessableEntity, "", map[string]string{key: "Choose a quantity from 0 to 99."})
	case models.ECONFLICT:
		return h.renderCart(c, fiber.StatusConflict, "", map[string]string{key: models.ErrorMessage(err)})
	}
	return err
}

// remove takes a line out of the cart. A product that is not in the
// visitor's cart is a 404, and nothing changes.
func (h *cartHandlers) remove(c *fiber.Ctx) error {
	owner, productID, err := cartLineOf(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	cart, err := h.carts.Cart(ctx, owner)
	if err != nil {
		return err
	}
	if !hasLine(cart, productID) {
		return services.ErrNotInCart
	}
	if err := h.carts.RemoveItem(ctx, owner, productID); err != nil {
		return err
	}
	h.setFlash(c, "cart_removed")
	return redirect(c, paths.Cart)
}

func hasLine(cart *models.Cart, productID int64) bool {
	for _, l := range cart.Lines {
		if l.ProductID == productID {
			return true
		}
	}
	return false
}
