package services

import (
	"context"

	"github.com/storefront/storefront/models"
)

// SearchProducts returns page q.Page of the products matching q, in q's order,
// with the number of matches. Without text it lists the products that pass the
// filters.
//
// The work of one search is bounded whatever it matches: only the first
// models.SearchCountCap matches (in index order) are counted and, for
// relevance, ranked, and pages lie within them. A broad query such as "wool"
// (5 % of a 100,000-product catalogue) thus costs what a query with 1,000
// matches costs, and its page says "1,000+ results". Newest and price orders
// take the first page of all matches from their indexes.
//
// A page past the matches is empty with Total 0 (the handler's 404). Text
// with nothing to look for ("the", "-mug", punctuation) matches nothing.
func (c *Catalog) SearchProducts(ctx context.Context, q models.ProductQuery) (models.ProductPage, error) {
	page := models.ProductPage{Number: q.Page, HasPrev: q.Page > 1}
	if q.Page < 1 || q.Offset() >= models.SearchCountCap || (q.HasText() && q.Terms.IsEmpty()) {
		return page, nil
	}
	var match textMatch
	if q.HasText() {
		var err error
		if DialectName(c.db) == "pg" {
			match, err = pgTextMatch(ctx, c.db, q.Terms, q.Sort)
		} else {
			match, err = sqliteTextMatch(ctx, c.db, q.Terms)
		}
		if err != nil {
			return page, dbError("catalog: search words", err)
		}
		if match.none {
			return page, nil
		}
	}

	// The last page within the cap may be short; one more row says whether a
	// next page exists.
	limit := min(models.ProductsPerPage, models.SearchCountCap-q.Offset())
	var query sqlQuery
	if q.Sort == models.SortRelevance && q.HasText() {
		query = relevanceQuery(q, match, limit+1)
	} else {
		query = orderedQuery(q, match, limit+1)
	}
	var rows []searchRow
	if err := c.db.NewRaw(query.sql, query.args...).Scan(ctx, &rows); err != nil {
		return page, dbError("catalog: search", err)
	}
	if len(rows) == 0 {
		return page, nil
	}
	page.Total = rows[0].Total
	if page.Total > models.SearchCountCap {
		page.Total, page.TotalCapped = models.SearchCountCap, true
	}
	if len(rows) > limit {
		rows = rows[:limit]
		page.HasNext = q.Offset()+limit < models.SearchCountCap
	}
	page.Products = make([]models.Product, len(rows))
	for i, r := range rows {
		page.Products[i] = r.Product
	}
	return page, nil
}

// searchRow is a product and the number of matches (the same on every row).
type searchRow struct {
	models.Product
	Total int `bun:"total"`
}

// textMatch is how one database finds the products a text matches and ranks
// them: SQL fragments over the products table aliased p.
type textMatch struct {
	none  bool     // nothing can match: no query at all
	with  sqlQuery // common table expressions the others use ("" for none)
	join  sqlQuery // added after FROM products p
	where sqlQuery // the match condition
	rank  sqlQuery // relevance: larger is better
}

const searchColumns = "p.id, p.seller_id, p.name, p.description, p.price_cents, p.created_at"

// relevanceQuery ranks the first SearchCountCap+1 matches and returns a page
// of the best, with their count.
func relevanceQuery(q models.ProductQuery, m textMatch, limit int) sqlQuery {
	var s sqlQuery
	s.add("WITH ")
	if m.with.sql != "" {
		s.append(m.with)
		s.add(", ")
	}
	s.add("matches AS MATERIALIZED (SELECT p.id, ")
	s.append(m.rank)
	s.add(" AS rank FROM products p ")
	matching(&s, q, m)
	s.add(" LIMIT ?), ", models.SearchCountCap+1)
	s.add("top AS (SELECT id, rank FROM matches ORDER BY rank DESC, id DESC LIMIT ? OFFSET ?) ", limit, q.Offset())
	s.add("SELECT " + searchColumns + ", (SELECT count(*) FROM matches) AS total ")
	s.add("FROM top JOIN products p ON p.id = top.id ORDER BY top.rank DESC, top.id DESC")
	return s
}

// orderedQuery returns a page in newest or price order, with the number of
// matches counted up to SearchCountCap+1.
func orderedQuery(q models.ProductQuery, m textMatch, limit int) sqlQuery {
	var s sqlQuery
	if m.with.sql != "" {
		s.add("WITH ")
		s.append(m.with)
		s.add(" ")
	}
	s.add("SELECT " + searchColumns + ", (SELECT count(*) FROM (SELECT 1 FROM products p ")
	matching(&s, q, m)
	s.add(" LIMIT ?) counted) AS total FROM products p ", models.SearchCountCap+1)
	matching(&s, q, m)
	switch q.Sort {
	case models.SortPriceAsc:
		s.add(" ORDER BY p.price_cents, p.id")
	case models.SortPriceDesc:
		s.add(" ORDER BY p.price_cents DESC, p.id DESC")
	default:
		s.add(" ORDER BY p.created_at DESC, p.id DESC")
	}
	s.add(" LIMIT ? OFFSET ?", limit, q.Offset())
	return s
}

// matching writes the join and WHERE clause of the products q finds.
func matching(s *sqlQuery, q models.ProductQuery, m textMatch) {
	s.append(m.join)
	s.add(" WHERE ")
	if m.where.sql != "" {
		s.append(m.where)
	} else {
		s.add("1 = 1")
	}
	addFilters(s, q)
}

// addFilters writes the conditions every search applies besides the text.
func addFilters(s *sqlQuery, q models.ProductQuery) {
	// TODO(issue10): only published products that are not deleted:
	// s.add(" AND p.status = 'published' AND p.deleted_at IS NULL")
	if q.MinCents > 0 {
		s.add(" AND p.price_cents >= ?", q.MinCents)
	}
	if q.MaxCents > 0 {
		s.add(" AND p.price_cents <= ?", q.MaxCents)
	}
	if q.SellerID > 0 {
		s.add(" AND p.seller_id = ?", q.SellerID)
	}
}

// sqlQuery is SQL with bun's ? placeholders and their arguments, built in
// order so that each argument follows its placeholder. Arguments are never
// written into the text.
type sqlQuery struct {
	sql  string
	args []any
}

func (s *sqlQuery) add(sql string, args ...any) {
	s.sql += sql
	s.args = append(s.args, args...)
}

func (s *sqlQuery) append(other sqlQuery) { s.add(other.sql, other.args...) }

func sqlOf(sql string, args ...any) sqlQuery {
	var s sqlQuery
	s.add(sql, args...)
	return s
}
