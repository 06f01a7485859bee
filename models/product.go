package models

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// Product limits from the shop's rules.
const (
	ProductNameMaxLength        = 120
	ProductDescriptionMaxLength = 5000
	PriceMaxCents               = 100_000_000 // 1,000,000.00
)

// Product is an item a seller offers. Prices are integer cents, never floats.
type Product struct {
	bun.BaseModel `bun:"table:products,alias:p"`

	ID          int64     `bun:"id,pk,autoincrement"`
	SellerID    int64     `bun:"seller_id,notnull"`
	Name        string    `bun:"name,notnull"`
	Description string    `bun:"description,notnull"`
	PriceCents  int64     `bun:"price_cents,notnull"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
	// Stock is how many can still be bought; nil is unlimited. Checkout reserves
	// from it and a cancelled or expired order gives back (services.Checkout).
	Stock *int64 `bun:"stock"`

	// Seller tools. Status, UpdatedAt and DeletedAt are columns (a soft-deleted
	// product keeps its row for past orders); a zero Status or UpdatedAt is
	// written as the column's default. Cover is a copy of the first image
	// (cover_* columns, zero when there is none) that the image service keeps,
	// so that cards need no join. Store and Images are read with the product
	// for its card or page and never written with it.
	Status    ProductStatus  `bun:"status,notnull,default:'published'"`
	UpdatedAt time.Time      `bun:"updated_at,notnull,default:current_timestamp"`
	DeletedAt time.Time      `bun:"deleted_at,nullzero"`
	Cover     Image          `bun:"embed:cover_"`
	Store     StoreRef       `bun:"-"`
	Images    []ProductImage `bun:"-"` // in order, on product pages only
}

// SoldOut reports whether none can be bought.
func (p Product) SoldOut() bool { return p.Stock != nil && *p.Stock <= 0 }

// LowStock is the stock count from which a product page says "Only N left";
// at or below it, every change of the stock changes the page.
const LowStock = 5

// StockShown reports whether a product's page shows a stock of this many
// ("Only 3 left", "Sold out"): changes there must reach cached pages.
func StockShown(stock int64) bool { return stock <= LowStock }

// ProductInput is the raw text of the "new product" form, kept as typed so the
// form can be shown again with the user's values.
type ProductInput struct {
	Name        string
	Description string
	Price       string
	// Stock is the optional stock count; empty is unlimited.
	Stock string

	// Status is the button pressed: ProductPublished ("Publish"), ProductDraft
	// ("Save as draft"), or "" (a new product is published, an edit keeps the
	// status it had).
	Status ProductStatus
	// Store, on a seller's first product, is the store the form asks for; its
	// messages are under store_name, store_slug and store_bio.
	Store *StoreInput
}

// Validate checks the input and returns the product to create (without seller and
// id; Status as given, possibly ""), or EINVALID with a message per field,
// the store's included.
func (in ProductInput) Validate() (Product, error) {
	var p Product
	fields := map[string]string{}

	p.Name = strings.TrimSpace(in.Name)
	if msg := checkName(p.Name, ProductNameMaxLength); msg != "" {
		fields["name"] = msg
	}

	p.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	if problem := checkText(p.Description, true); problem != textOK {
		fields["description"] = problem.message("description")
	} else if utf8.RuneCountInString(p.Description) > ProductDescriptionMaxLength {
		fields["description"] = "Use at most 5,000 characters."
	}

	cents, msg := ParsePrice(in.Price)
	if msg != "" {
		fields["price"] = msg
	}
	p.PriceCents = cents

	stock, msg := ParseStock(in.Stock)
	if msg != "" {
		fields["stock"] = msg
	}
	p.Stock = stock

	switch in.Status {
	case "", ProductPublished, ProductDraft:
		p.Status = in.Status
	default:
		fields["status"] = "Choose Publish or Save as draft."
	}
	if in.Store != nil {
		if _, err := in.Store.Validate(); err != nil {
			for field, msg := range FieldErrors(err) {
				fields["store_"+field] = msg
			}
		}
	}

	if len(fields) > 0 {
		return Product{}, Invalid(fields)
	}
	return p, nil
}

// ParsePrice turns a decimal such as "19.99", "19.9", "$1,299" or "1000000.00"
// into cents. It returns a user-facing message when the text is not a price in
// (0, 1,000,000.00].
func ParsePrice(s string) (int64, string) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "$")
	if s == "" {
		return 0, "Enter a price."
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if hasDot && (len(frac) == 0 || len(frac) > 2) {
		return 0, "Enter a price like 19.99 (at most two decimals)."
	}
	whole, ok := stripThousands(whole)
	if !ok || !allDigits(whole) || !allDigits(frac) || whole == "" {
		return 0, "Enter a price like 19.99."
	}
	if len(whole) > 9 { // far above the maximum; also keeps ParseInt from overflowing
		return 0, "The price can be at most 1,000,000.00."
	}
	units, _ := strconv.ParseInt(whole, 10, 64)
	frac = (frac + "00")[:2]
	hundredths, _ := strconv.ParseInt(frac, 10, 64)
	cents := units*100 + hundredths
	switch {
	case cents <= 0:
		return 0, "The price must be more than 0."
	case cents > PriceMaxCents:
		return 0, "The price can be at most 1,000,000.00."
	}
	return cents, ""
}

// StockMax bounds the stock count a seller may enter.
const StockMax = 1_000_000

// ParseStock reads the optional stock field: empty is unlimited (nil), else a
// whole number from 0 to StockMax. It returns a user-facing message when the
// text is neither.
func ParseStock(s string) (*int64, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ""
	}
	digits, ok := stripThousands(s)
	if !ok || !allDigits(digits) {
		return nil, "Enter a whole number of items, or leave it empty for unlimited stock."
	}
	if len(digits) > 7 {
		return nil, "The stock can be at most 1,000,000."
	}
	n, _ := strconv.ParseInt(digits, 10, 64)
	if n > StockMax {
		return nil, "The stock can be at most 1,000,000."
	}
	return &n, ""
}

// stripThousands removes correctly placed thousands separators ("1,299,000").
func stripThousands(s string) (string, bool) {
	if !strings.Contains(s, ",") {
		return s, true
	}
	groups := strings.Split(s, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatPrice renders cents as "1,299.00".
func FormatPrice(cents int64) string {
	units := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	frac := cents % 100
	b.WriteByte('.')
	b.WriteByte(byte('0' + frac/10))
	b.WriteByte(byte('0' + frac%10))
	return b.String()
}

// ProductPage is one page of the newest-first product list, or of search results.
type ProductPage struct {
	Products []Product
	Number   int // 1-based
	HasPrev  bool
	HasNext  bool
	// Total counts the search's matches, up to SearchCountCap; TotalCapped says
	// there are more than that. A store's page counts its products; the plain
	// list does not count (both stay zero).
	Total       int
	TotalCapped bool
}

// ProductsPerPage is the size of a product list page.
const ProductsPerPage = 12

// maxPageNumber bounds the list's OFFSET: no shop page lies beyond it.
const maxPageNumber = 100_000

// ParsePageNumber reads the value of ?page=N. Only the way the shop writes a page
// number is one ("2"; not "02", "+2", "0", "-1", "" or "x"), so each page has
// one address; ok is false for anything else, which is no page at all (404).
func ParsePageNumber(s string) (n int, ok bool) {
	v, ok := parseCanonicalPositive(s, maxPageNumber)
	return int(v), ok
}

// ParseProductID reads the id in /products/{id}, written the way the shop
// writes it ("7"; not "07" or "+7"), so each product has one address.
func ParseProductID(s string) (id int64, ok bool) {
	return parseCanonicalPositive(s, math.MaxInt64)
}

// parseCanonicalPositive reads a decimal integer from 1 to limit with no sign
// and no leading zero: the only spelling strconv.FormatInt gives it.
func parseCanonicalPositive(s string, limit int64) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > limit || strconv.FormatInt(n, 10) != s {
		return 0, false
	}
	return n, true
}
