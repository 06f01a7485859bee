package services_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// Adds on PostgreSQL are written in groups, one transaction each
// (cartaddbatch.go). These tests hold them to what adds one at a time would
// answer: concurrent adds through Add (grouped however they arrive), and
// groups made on purpose (AddAsOneGroup).

// postgresBuyingShop is the buying shop on PostgreSQL, where adds are grouped.
func postgresBuyingShop(t *testing.T) *buyingShop {
	t.Helper()
	d, ok := services.DatabasesWithURLs(t)["postgres"]
	if !ok {
		t.Skip("no PostgreSQL")
	}
	return newBuyingShop(t, d, nil, services.CheckoutConfig{})
}

// answeredAdd is one add and what Add answered.
type answeredAdd struct {
	product int64
	qty     int
	count   int
	err     error
}

// addConcurrently runs adds to buyer's cart all at once and returns what each
// caller was answered.
func addConcurrently(s *buyingShop, buyer int64, adds []answeredAdd) []answeredAdd {
	var wg sync.WaitGroup
	start := make(chan struct{})
	out := make([]answeredAdd, len(adds))
	for i, a := range adds {
		wg.Go(func() {
			<-start
			a.count, a.err = s.carts.Add(s.ctx, models.CartOwner{UserID: buyer}, a.product, a.qty)
			out[i] = a
		})
	}
	close(start)
	wg.Wait()
	return out
}

// checkSerialOrder fails t unless the answers are those of the adds made one
// after another in some order, starting from a cart holding lines: each
// answered count is the cart's total right after that add, with its line
// capped at 99. It returns the lines after all of them.
func checkSerialOrder(t *testing.T, lines map[int64]int, answers []answeredAdd) map[int64]int {
	t.Helper()
	total := 0
	for _, n := range lines {
		total += n
	}
	for _, a := range answers {
		if a.err != nil {
			t.Fatalf("add %d of product %d: %v", a.qty, a.product, a.err)
		}
	}
	if !serialOrderExists(lines, total, answers) {
		t.Fatalf("no order of the adds gives these answers (from a total of %d): %+v", total, answers)
	}
	return lines
}

// serialOrderExists says whether some order of the adds left, from lines
// (total items), gives each its answered count; if so lines ends as after
// them. It searches: with the cap, an add can match a count that is not its
// own by chance, so the first match is not always the right one.
func serialOrderExists(lines map[int64]int, total int, left []answeredAdd) bool {
	if len(left) == 0 {
		return true
	}
	for i, a := range left {
		grown := min(lines[a.product]+a.qty, models.CartMaxQuantity) - lines[a.product]
		if a.count != total+grown {
			continue
		}
		lines[a.product] += grown
		rest := append(append([]answeredAdd(nil), left[:i]...), left[i+1:]...)
		if serialOrderExists(lines, total+grown, rest) {
			return true
		}
		lines[a.product] -= grown
	}
	return false
}

// cartLines returns the quantity of each line of buyer's cart.
func cartLines(t *testing.T, s *buyingShop, buyer int64) map[int64]int {
	t.Helper()
	cart, err := s.carts.Cart(s.ctx, models.CartOwner{UserID: buyer})
	if err != nil {
		t.Fatal(err)
	}
	lines := map[int64]int{}
	for _, l := range cart.Lines {
		lines[l.ProductID] = l.Quantity
	}
	return lines
}

func TestCartAddsAtOnceAddUpAsOneAfterAnother(t *testing.T) {
	s := postgresBuyingShop(t)
	seller := s.user("seller")
	first := s.product(seller, "Pen", 100, -1)
	mug, lamp, capped := s.product(seller, "Mug", 1200, -1), s.product(seller, "Lamp", 5000, -1), s.product(seller, "Cup", 300, -1)
	buyers := []int64{s.user("buyer"), s.user("buyer"), s.user("buyer")}
	answers := make([][]answeredAdd, len(buyers))
	var wg sync.WaitGroup
	for b, buyer := range buyers {
		s.add(buyer, first, 1) // the cart exists: the adds below go in groups
		// Distinct quantities, so that an answer given to the wrong caller
		// breaks the order; the first buyer's cup reaches the cap.
		var adds []answeredAdd
		for qty := 1; qty <= 6; qty++ {
			adds = append(adds, answeredAdd{product: mug, qty: qty}, answeredAdd{product: lamp, qty: qty + 10})
			if b == 0 {
				adds = append(adds, answeredAdd{product: capped, qty: 20 + qty})
			}
		}
		wg.Go(func() { answers[b] = addConcurrently(s, buyer, adds) })
	}
	wg.Wait()
	for b, buyer := range buyers {
		want := checkSerialOrder(t, map[int64]int{first: 1}, answers[b])
		if got := cartLines(t, s, buyer); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("buyer %d's lines %v, want %v", b, got, want)
		}
	}
	lines := cartLines(t, s, buyers[0])
	if lines[mug] != 21 || lines[lamp] != 81 || lines[capped] != 99 {
		t.Errorf("first buyer's lines %v: want mug 21, lamp 81, cup 99", lines)
	}
}

func TestCartAddsAtOnceStopAtTheStock(t *testing.T) {
	s := postgresBuyingShop(t)
	seller, buyer := s.user("seller"), s.user("buyer")
	first := s.product(seller, "Pen", 100, -1)
	ten, seven := s.product(seller, "Lamp", 5000, 10), s.product(seller, "Vase", 900, 7)
	s.add(buyer, first, 1)
	var adds []answeredAdd
	for range 25 {
		adds = append(adds, answeredAdd{product: ten, qty: 1})
	}
	for range 6 {
		adds = append(adds, answeredAdd{product: seven, qty: 2})
	}
	var added []answeredAdd
	refused := map[int64]int{}
	for _, a := range addConcurrently(s, buyer, adds) {
		switch {
		case a.err == nil:
			added = append(added, a)
		case models.ErrorCode(a.err) == models.ECONFLICT && models.ErrorMessage(a.err) == services.OnlyLeftMessage(s.stock(a.product))+".":
			refused[a.product]++
		default:
			t.Errorf("add of product %d: %v", a.product, a.err)
		}
	}
	if refused[ten] != 15 || refused[seven] != 3 {
		t.Errorf("refused %v, want 15 of the ten and 3 of the seven", refused)
	}
	want := checkSerialOrder(t, map[int64]int{first: 1}, added)
	if want[ten] != 10 || want[seven] != 6 {
		t.Errorf("added lines %v, want 10 and 6", want)
	}
	if got := cartLines(t, s, buyer); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lines %v, want %v", got, want)
	}
}

func TestCartAddGroupAnswersEachAddAsAlone(t *testing.T) {
	s := postgresBuyingShop(t)
	seller, buyer, other := s.user("seller"), s.user("buyer"), s.user("other")
	first := s.product(seller, "Pen", 100, -1)
	mug, lamp := s.product(seller, "Mug", 1200, -1), s.product(seller, "Lamp", 5000, 3)
	gone := s.product(seller, "Gone", 700, -1)
	s.exec("UPDATE products SET deleted_at = now() WHERE id = ?", gone)
	mine := s.product(buyer, "Mine", 800, -1)
	s.add(buyer, first, 1)
	s.add(other, first, 2)
	newcomer := s.user("newcomer") // no cart yet: the transaction makes it
	me, them, fresh := models.CartOwner{UserID: buyer}, models.CartOwner{UserID: other}, models.CartOwner{UserID: newcomer}
	// The group runs in the order of its row locks (owner, then product: the
	// mug before the lamp, whatever order they came in), each add seeing the
	// writes of those before it. Adds without a count (AddItem's) are
	// refused and written the same, and the counts after them include them.
	const noCount = -1
	cases := []struct {
		add   services.GroupAdd
		count int
		code  models.Code
		msg   string
	}{
		{services.GroupAdd{Owner: me, ProductID: lamp, Qty: 4, WithoutCount: true}, 0, models.ECONFLICT, "Only 3 left."},
		{services.GroupAdd{Owner: me, ProductID: lamp, Qty: 3}, 103, "", ""},
		{services.GroupAdd{Owner: me, ProductID: mug, Qty: 60, WithoutCount: true}, noCount, "", ""},
		{services.GroupAdd{Owner: me, ProductID: mine, Qty: 1}, 0, models.EINVALID, "You cannot buy your own product."},
		{services.GroupAdd{Owner: me, ProductID: gone, Qty: 1}, 0, models.ECONFLICT, "This product is no longer available."},
		{services.GroupAdd{Owner: me, ProductID: 999999, Qty: 1}, 0, models.ENOTFOUND, ""},
		{services.GroupAdd{Owner: me, ProductID: mug, Qty: 60}, 100, "", ""}, // the line capped at 99
		{services.GroupAdd{Owner: them, ProductID: mug, Qty: 3}, 5, "", ""},
		{services.GroupAdd{Owner: them, ProductID: lamp, Qty: 1, WithoutCount: true}, noCount, "", ""}, // only checkout takes stock
		{services.GroupAdd{Owner: fresh, ProductID: mug, Qty: 7}, 7, "", ""},
	}
	adds := make([]services.GroupAdd, len(cases))
	for i, tc := range cases {
		adds[i] = tc.add
	}
	counts, errs := s.carts.AddAsOneGroup(s.ctx, adds)
	for i, tc := range cases {
		code := models.Code("")
		if errs[i] != nil {
			code = models.ErrorCode(errs[i])
		}
		if (tc.count != noCount && counts[i] != tc.count) || code != tc.code || (tc.msg != "" && models.ErrorMessage(errs[i]) != tc.msg) {
			t.Errorf("add %d (%+v): %d, %v; want %d, %s %q", i, tc.add, counts[i], errs[i], tc.count, tc.code, tc.msg)
		}
	}
	for buyer, want := range map[int64]map[int64]int{buyer: {first: 1, mug: 99, lamp: 3}, other: {first: 2, mug: 3, lamp: 1}, newcomer: {mug: 7}} {
		if got := cartLines(t, s, buyer); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("user %d's lines %v, want %v", buyer, got, want)
		}
	}
}

func TestCartAddGroupRefusedByTheServerIsRetriedAddByAdd(t *testing.T) {
	s := postgresBuyingShop(t)
	seller, buyer, other := s.user("seller"), s.user("buyer"), s.user("other")
	first := s.product(seller, "Pen", 100, -1)
	mug, broken := s.product(seller, "Mug", 1200, -1), s.product(seller, "Broken", 500, -1)
	s.add(buyer, first, 1)
	s.add(other, first, 1)
	// A line of the broken product makes the server refuse its statement, and
	// with it the whole group's transaction.
	s.exec(`CREATE FUNCTION refuse_broken_line() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'this product cannot be in a cart'; END $$`)
	s.exec(fmt.Sprintf(`CREATE TRIGGER refuse_broken_line BEFORE INSERT OR UPDATE ON cart_items
		FOR EACH ROW WHEN (NEW.product_id = %d) EXECUTE FUNCTION refuse_broken_line()`, broken))
	me, them := models.CartOwner{UserID: buyer}, models.CartOwner{UserID: other}
	counts, errs := s.carts.AddAsOneGroup(s.ctx, []services.GroupAdd{
		{Owner: me, ProductID: mug, Qty: 2},
		{Owner: me, ProductID: broken, Qty: 1},
		{Owner: them, ProductID: mug, Qty: 3},
		{Owner: me, ProductID: mug, Qty: 4},
	})
	if errs[1] == nil || models.ErrorCode(errs[1]) != models.EINTERNAL {
		t.Errorf("the broken add: %v, want the server's refusal", errs[1])
	}
	for i, want := range map[int]int{0: 3, 2: 4, 3: 7} {
		if errs[i] != nil || counts[i] != want {
			t.Errorf("add %d: %d, %v; want %d", i, counts[i], errs[i], want)
		}
	}
	if got := cartLines(t, s, buyer); fmt.Sprint(got) != fmt.Sprint(map[int64]int{first: 1, mug: 6}) {
		t.Errorf("buyer's lines %v", got)
	}
	if got := cartLines(t, s, other); fmt.Sprint(got) != fmt.Sprint(map[int64]int{first: 1, mug: 3}) {
		t.Errorf("other's lines %v", got)
	}
	// The connection that ran the refused group went back to the pool usable.
	if n, err := s.carts.Add(context.Background(), me, mug, 1); err != nil || n != 8 {
		t.Errorf("an add after the refused group: %d, %v", n, err)
	}
}
