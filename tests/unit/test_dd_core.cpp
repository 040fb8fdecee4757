// lib/dd Manager: canonical interval decision diagrams over small domains, checked against
// truth tables computed independently (brute force over every assignment).
#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "lib/dd/manager.hpp"

using namespace rulegap;
using namespace rulegap::dd;

namespace {

// Four levels with domains 4, 2, 3, 5: 120 assignments.
const std::vector<uint128> maxima = {3, 1, 2, 4};

std::size_t points() {
    std::size_t n = 1;
    for (uint128 m : maxima) n *= static_cast<std::size_t>(m + 1);
    return n;
}

std::vector<uint128> point(std::size_t i) {
    std::vector<uint128> v;
    for (uint128 m : maxima) {
        v.push_back(i % static_cast<std::size_t>(m + 1));
        i /= static_cast<std::size_t>(m + 1);
    }
    return v;
}

// A set and its truth table.
struct Model {
    Ref set;
    std::vector<char> table;
};

Model random_box(Manager& m, std::mt19937& g) {
    Ref r = one;
    std::vector<Interval> box(maxima.size());
    for (std::size_t l = maxima.size(); l-- > 0;) {
        auto a = static_cast<uint128>(g() % (maxima[l] + 1)), b = static_cast<uint128>(g() % (maxima[l] + 1));
        if (a > b) std::swap(a, b);
        if (g() % 3 == 0) a = 0, b = maxima[l];
        box[l] = {a, b};
        r = m.select(static_cast<std::uint32_t>(l), {&box[l], 1}, r, zero);
    }
    Model out{r, std::vector<char>(points())};
    for (std::size_t i = 0; i < points(); ++i) {
        std::vector<uint128> v = point(i);
        bool in = true;
        for (std::size_t l = 0; l < maxima.size(); ++l) in = in && box[l].contains(v[l]);
        out.table[i] = in;
    }
    return out;
}

Model random_set(Manager& m, std::mt19937& g, int depth = 0) {
    if (depth > 3 || g() % 4 == 0) return random_box(m, g);
    Model a = random_set(m, g, depth + 1), b = random_set(m, g, depth + 1);
    Model out{zero, std::vector<char>(points())};
    switch (g() % 3) {
        case 0:
            out.set = m.unite(a.set, b.set);
            for (std::size_t i = 0; i < points(); ++i) out.table[i] = a.table[i] || b.table[i];
            break;
        case 1:
            out.set = m.intersect(a.set, b.set);
            for (std::size_t i = 0; i < points(); ++i) out.table[i] = a.table[i] && b.table[i];
            break;
        default:
            out.set = m.minus(a.set, b.set);
            for (std::size_t i = 0; i < points(); ++i) out.table[i] = a.table[i] && !b.table[i];
            break;
    }
    return out;
}

std::size_t count_of(const std::vector<char>& t) {
    std::size_t n = 0;
    for (char c : t) n += c ? 1 : 0;
    return n;
}

// The set with exactly this truth table, built point by point (another way to the same set).
Ref from_table(Manager& m, const std::vector<char>& t) {
    Ref r = zero;
    for (std::size_t i = 0; i < points(); ++i) {
        if (!t[i]) continue;
        std::vector<uint128> v = point(i);
        Ref p = one;
        for (std::size_t l = maxima.size(); l-- > 0;) {
            Interval x{v[l], v[l]};
            p = m.select(static_cast<std::uint32_t>(l), {&x, 1}, p, zero);
        }
        r = m.unite(r, p);
    }
    return r;
}

}  // namespace

TEST_CASE("dd: operations agree with truth tables; equal sets are the same node") {
    Manager m(maxima);
    std::mt19937 g(7);
    for (int round = 0; round < 300; ++round) {
        Model a = random_set(m, g), b = random_set(m, g);
        INFO("round " << round);
        for (std::size_t i = 0; i < points(); ++i)
            REQUIRE((m.eval(a.set, point(i)) == one) == (a.table[i] != 0));
        // Canonicity: the same members built point by point give the same root.
        CHECK(from_table(m, a.table) == a.set);
        CHECK((a.set == zero) == (count_of(a.table) == 0));
        // Exact counts against brute force, and |A u B| + |A n B| = |A| + |B|.
        CHECK(m.count(a.set, 4) == BigCount(count_of(a.table)));
        CHECK(m.count(m.unite(a.set, b.set), 4) + m.count(m.intersect(a.set, b.set), 4) ==
              m.count(a.set, 4) + m.count(b.set, 4));
        // Laws.
        Ref u = m.unite(a.set, b.set), n = m.intersect(a.set, b.set);
        CHECK(u == m.unite(b.set, a.set));
        CHECK(n == m.intersect(b.set, a.set));
        CHECK(m.minus(a.set, b.set) == m.intersect(a.set, m.minus(one, b.set)));
        CHECK(m.minus(one, u) == m.intersect(m.minus(one, a.set), m.minus(one, b.set)));  // De Morgan
        CHECK(m.minus(one, m.minus(one, a.set)) == a.set);
        CHECK(m.unite(a.set, m.minus(one, a.set)) == one);
        CHECK(m.count(a.set, 4) + m.count(m.minus(one, a.set), 4) == BigCount(points()));
        CHECK(m.ite(a.set, one, zero) == a.set);
        CHECK(m.ite(a.set, b.set, zero) == n);
        // values(), cofactor(), exists() and forall() against the table.
        for (std::uint32_t l = 0; l < 4; ++l) {
            std::vector<char> seen(static_cast<std::size_t>(maxima[l] + 1), 0);
            for (std::size_t i = 0; i < points(); ++i)
                if (a.table[i]) seen[static_cast<std::size_t>(point(i)[l])] = 1;
            std::vector<char> got(seen.size(), 0);
            for (const Interval& i : m.values(a.set, l))
                for (uint128 x = i.lo; x <= i.hi; ++x) got[static_cast<std::size_t>(x)] = 1;
            CHECK(got == seen);
            uint128 x = g() % (maxima[l] + 1);
            Ref c = m.cofactor(a.set, l, x), e = m.exists(a.set, l), fa = m.forall(a.set, l);
            for (std::size_t i = 0; i < points(); ++i) {
                std::vector<uint128> v = point(i);
                bool any = false, every = true;
                for (uint128 y = 0; y <= maxima[l]; ++y) {
                    std::vector<uint128> w = v;
                    w[l] = y;
                    bool in = m.eval(a.set, w) == one;
                    any = any || in;
                    every = every && in;
                }
                std::vector<uint128> w = v;
                w[l] = x;
                CHECK((m.eval(c, v) == one) == (m.eval(a.set, w) == one));
                CHECK((m.eval(e, v) == one) == any);
                CHECK((m.eval(fa, v) == one) == every);
            }
            CHECK(m.level(c) != l);
        }
    }
}

TEST_CASE("dd: reduced form; multi-terminal apply and map") {
    Manager m({9, 9});
    // A node whose edges all lead to one child is that child.
    Interval all{0, 9};
    CHECK(m.select(0, {&all, 1}, one, zero) == one);
    Interval lo{0, 4}, hi{5, 9};
    Ref a = m.select(1, {&lo, 1}, terminal(7), terminal(8));
    // Adjacent intervals with the same child are merged: one node, two edges.
    std::vector<Interval> parts = {{0, 1}, {2, 4}};
    CHECK(m.select(1, parts, terminal(7), terminal(8)) == a);
    CHECK(m.edge_count(a) == 2);
    Ref b = m.select(0, {&hi, 1}, terminal(9), a);
    CHECK(m.terminals(b) == std::vector<std::uint32_t>{7, 8, 9});
    // map: 7 and 8 to one value, and the test on level 1 disappears.
    std::uint32_t op = m.new_op();
    Ref c = m.map(op, b, [](std::uint32_t t) { return terminal(t == 9 ? 2 : 1); });
    CHECK(c == m.select(0, {&hi, 1}, terminal(2), terminal(1)));
    // apply with a terminal function (max of the two values).
    std::uint32_t op2 = m.new_op();
    Ref d = m.apply(op2, b, c, [](Ref x, Ref y) -> std::optional<Ref> {
        if (is_terminal(x) && is_terminal(y)) return std::max(x, y);
        return std::nullopt;
    });
    CHECK(m.terminals(d) == std::vector<std::uint32_t>{7, 8, 9});
    std::vector<uint128> p = {0, 6};
    CHECK(m.eval(d, p) == terminal(8));
    // fold over an interval of a level: is 9 reached for some value in 3..6 of level 0?
    std::uint32_t op3 = m.new_op();
    Ref any9 = m.map(m.new_op(), b, [](std::uint32_t t) { return t == 9 ? one : zero; });
    CHECK(m.fold_level(any9, 0, {3, 6}, op3, Manager::or_case) == one);
    CHECK(m.fold_level(any9, 0, {0, 4}, op3, Manager::or_case) == zero);
}

TEST_CASE("dd: counts beyond 64 bits and levels added later") {
    Manager m({~uint128{0}, ~uint128{0}});
    Interval x{0, ~uint128{0} - 1};
    Ref s = m.select(0, {&x, 1}, one, zero);
    // (2^128 - 1) * 2^128
    BigCount big = BigCount::from_uint128(~uint128{0}) * (BigCount::from_uint128(~uint128{0}) + BigCount(1));
    CHECK(m.count(s, 2) == big);
    CHECK(m.values(s, 0) == std::vector<Interval>{x});
    std::uint32_t v = m.add_level(1);
    Interval t{1, 1};
    Ref sv = m.intersect(s, m.select(v, {&t, 1}, one, zero));
    CHECK(m.count(sv, 3) == big);
    CHECK(m.exists(sv, v) == s);
    CHECK(m.forall(sv, v) == zero);
    CHECK(m.cofactor(sv, v, 1) == s);
}

TEST_CASE("dd: minus_all, meets and intersects agree with truth tables") {
    Manager m(maxima);
    std::mt19937 g(11);
    for (int round = 0; round < 200; ++round) {
        INFO("round " << round);
        const Model a = random_set(m, g);
        std::vector<Model> in, out;
        for (std::size_t k = 0, n = g() % 4; k < n; ++k) in.push_back(random_set(m, g));
        for (std::size_t k = 0, n = g() % 24; k < n; ++k)
            out.push_back(g() % 5 == 0 ? random_box(m, g) : random_set(m, g));
        std::vector<Ref> out_refs;
        for (const Model& o : out) out_refs.push_back(o.set);
        if (g() % 4 == 0) out_refs.push_back(zero);
        // minus_all: a minus the union of out, one pass; the same set as the chain of minus.
        std::vector<char> left = a.table;
        Ref chained = a.set;
        for (const Model& o : out) {
            for (std::size_t i = 0; i < points(); ++i) left[i] = left[i] && !o.table[i];
            chained = m.minus(chained, o.set);
        }
        const Ref all = m.minus_all(a.set, out_refs);
        CHECK(all == chained);
        CHECK(all == from_table(m, left));
        CHECK(m.minus_all(one, {a.set}) == m.minus(one, a.set));
        // meets: some point in a and every `in`, and in no `out`.
        std::vector<Ref> in_refs{a.set};
        bool expected = false;
        for (std::size_t i = 0; i < points(); ++i) {
            bool p = left[i] != 0;
            for (const Model& x : in) p = p && x.table[i];
            expected = expected || p;
        }
        for (const Model& x : in) in_refs.push_back(x.set);
        CHECK(m.meets(in_refs, out_refs) == expected);
        // intersects: a ∧ b non-empty, built or not.
        const Model b = random_set(m, g);
        CHECK(m.intersects(a.set, b.set) == (m.intersect(a.set, b.set) != zero));
        CHECK(m.meets({a.set, b.set}, {}) == (m.intersect(a.set, b.set) != zero));
    }
    CHECK(m.meets({}, {}));
    CHECK_FALSE(m.meets({one}, {one}));
    CHECK(m.minus_all(one, {}) == one);
    CHECK(m.minus_all(zero, {one}) == zero);
}
