package models

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SearchTerms is search text read the way web search engines read it (and
// PostgreSQL's websearch_to_tsquery): words must all appear, in any order;
// "a quoted phrase" must appear as written; `or` between two terms accepts
// either; a term after `-` must not appear. Everything else (punctuation,
// tsquery or FTS5 operators, quotes that do not close) is only a word
// separator, so no input can be a syntax error or change the query's shape.
//
// Both databases are given queries built from this one parse, never the raw
// text, so they agree on what a query means.
type SearchTerms struct {
	// Any lists the alternatives joined by "or": a product matches when it has
	// every phrase of at least one of them.
	Any [][]SearchPhrase
	// Exclude lists phrases a matching product must not have, wherever the
	// "-" terms stood ("mug or -enamel" is "mug -enamel": a negation on its own
	// would match nearly the whole catalogue).
	Exclude []SearchPhrase
	// Operators is true when the text used quotes or "or": the shopper asked
	// for exact matches, so no typo tolerance is added.
	Operators bool
}

// SearchPhrase is words that must appear together, in this order. Words are
// runs of letters, digits and combining marks, with ASCII letters lower-cased.
type SearchPhrase []string

// maxSearchWords bounds the work one query can ask of the database.
const maxSearchWords = 32

// ParseSearchText parses search text (see SearchTerms). It accepts any string.
func ParseSearchText(text string) SearchTerms {
	var t SearchTerms
	var group []SearchPhrase
	pendingOr := false
	words := 0
	for rest := text; rest != ""; {
		r, size := utf8.DecodeRuneInString(rest)
		if unicode.IsSpace(r) {
			rest = rest[size:]
			continue
		}
		negated := false
		if r == '-' && len(rest) > 1 {
			next, _ := utf8.DecodeRuneInString(rest[1:])
			negated = !unicode.IsSpace(next) && next != '-'
			rest = rest[1:]
			if !negated {
				continue
			}
		}
		var token string
		quoted := rest[0] == '"'
		if quoted {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				token, rest = rest[1:], ""
			} else {
				token, rest = rest[1:1+end], rest[2+end:]
			}
			t.Operators = t.Operators || !negated
		} else {
			end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(rest)
			}
			token, rest = rest[:end], rest[end:]
			if !negated && strings.EqualFold(token, "or") {
				pendingOr = true
				continue
			}
		}
		phrase := searchWords(token)
		if len(phrase) == 0 || words+len(phrase) > maxSearchWords {
			continue
		}
		words += len(phrase)
		switch {
		case negated:
			t.Exclude = append(t.Exclude, phrase)
		case pendingOr && len(group) > 0:
			t.Any = append(t.Any, group)
			group = []SearchPhrase{phrase}
			t.Operators = true
		default:
			group = append(group, phrase)
		}
		if !negated {
			pendingOr = false
		}
	}
	if len(group) > 0 {
		t.Any = append(t.Any, group)
	}
	return t
}

// searchWords splits a token into words: runs of letters, digits and
// combining marks ("t-shirt" is "t" "shirt", "350ml" one word).
func searchWords(token string) SearchPhrase {
	var words SearchPhrase
	for _, w := range strings.FieldsFunc(token, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	}) {
		words = append(words, lowerASCII(w))
	}
	return words
}

// lowerASCII folds ASCII letters only: each database folds the rest of a word
// the way it folds the documents.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// IsEmpty reports whether nothing is searched for: no text, or only
// punctuation, exclusions or words the full-text search ignores ("the").
func (t SearchTerms) IsEmpty() bool {
	for _, group := range t.Any {
		for _, phrase := range group {
			for _, w := range phrase {
				if !IsStopWord(w) {
					return false
				}
			}
		}
	}
	return true
}

// Websearch writes the alternatives (not the exclusions) as
// websearch_to_tsquery text. Every phrase is quoted, so a searched word such as
// "or" is never read as an operator.
func (t SearchTerms) Websearch() string {
	var b strings.Builder
	for i, group := range t.Any {
		if i > 0 {
			b.WriteString(" or ")
		}
		writePhrases(&b, group, " ")
	}
	return b.String()
}

// ExcludedWebsearch writes the exclusions as one websearch_to_tsquery text
// that matches a product having any of them ("" when there are none).
func (t SearchTerms) ExcludedWebsearch() string {
	var b strings.Builder
	writePhrases(&b, t.Exclude, " or ")
	return b.String()
}

func writePhrases(b *strings.Builder, phrases []SearchPhrase, sep string) {
	for i, p := range phrases {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteByte('"')
		b.WriteString(strings.Join(p, " "))
		b.WriteByte('"')
	}
}

// fuzzyMinLength is the shortest word matched with typo tolerance: shorter
// words share their trigrams with too many others.
const fuzzyMinLength = 3

// maxTolerantWords bounds the vocabulary look-ups of one query.
const maxTolerantWords = 6

// TolerantWords splits a plain query (no quotes, no "or") into the phrases to
// match exactly and the words to match with typo and prefix tolerance: single
// words of at least three characters that the full-text search does not
// ignore (at most six; the rest are exact). A query with operators is matched
// exactly as written: both are nil then, and Websearch is the whole query.
func (t SearchTerms) TolerantWords() (exact []SearchPhrase, tolerant []string) {
	if !t.Plain() {
		return nil, nil
	}
	for _, phrase := range t.Any[0] {
		if len(phrase) == 1 && len(tolerant) < maxTolerantWords &&
			utf8.RuneCountInString(phrase[0]) >= fuzzyMinLength && !IsStopWord(phrase[0]) {
			tolerant = append(tolerant, phrase[0])
		} else {
			exact = append(exact, phrase)
		}
	}
	return exact, tolerant
}

// Plain reports a query of words alone: no quotes, no "or" (exclusions allowed).
func (t SearchTerms) Plain() bool { return !t.Operators && len(t.Any) == 1 }

// WebsearchOf writes phrases as websearch_to_tsquery text that needs them all.
func WebsearchOf(phrases []SearchPhrase) string {
	var b strings.Builder
	writePhrases(&b, phrases, " ")
	return b.String()
}

// PositiveWords are the searched words (not excluded ones) the full-text
// search does not ignore, each once: what highlighting looks for.
func (t SearchTerms) PositiveWords() []string {
	var words []string
	seen := map[string]bool{}
	for _, group := range t.Any {
		for _, phrase := range group {
			for _, w := range phrase {
				if w = strings.ToLower(w); !seen[w] && !IsStopWord(w) {
					seen[w] = true
					words = append(words, w)
				}
			}
		}
	}
	return words
}
