// IntervalList: the condition value list with one interval in place (include/rulegap/detail/compact.hpp).
#include <doctest/doctest.h>

#include <vector>

#include "rulegap/packet_set.hpp"
#include "rulegap/ruleset.hpp"

using namespace rulegap;
using rulegap::detail::IntervalList;

TEST_CASE("IntervalList: one interval in place, more on the heap, same values either way") {
    IntervalList l;
    CHECK(l.empty());
    CHECK(l.begin() == l.end());
    l.push_back({1, 2});
    CHECK(l.size() == 1);
    CHECK(l.capacity() == 1);  // in place
    CHECK(l.front() == Interval{1, 2});
    for (unsigned i = 0; i < 100; ++i) l.push_back({10 + i, 10 + i});
    REQUIRE(l.size() == 101);
    CHECK(l.capacity() >= 101);
    CHECK(l[0] == Interval{1, 2});
    CHECK(l[1] == Interval{10, 10});
    CHECK(l.back() == Interval{109, 109});

    IntervalList copy = l;
    CHECK(copy == l);
    IntervalList moved = std::move(copy);
    CHECK(moved == l);
    CHECK(copy.empty());  // NOLINT: moved-from is empty, by design
    copy = moved;         // copy into a moved-from list
    CHECK(copy == l);
    IntervalList small{{5, 6}};
    small = l;  // in place -> heap
    CHECK(small == l);
    l = IntervalList{{7, 8}};  // heap -> in place
    CHECK(l.size() == 1);
    CHECK(l.front() == Interval{7, 8});
    CHECK_FALSE(l == small);
}

TEST_CASE("IntervalList: built from vectors and lists, read as a span") {
    std::vector<Interval> v{{1, 1}, {3, 5}};
    IntervalList from_vector = v;
    IntervalList from_list{{1, 1}, {3, 5}};
    CHECK(from_vector == from_list);
    CHECK(from_list.to_vector() == v);
    std::span<const Interval> s = from_list;
    REQUIRE(s.size() == 2);
    CHECK(s[1] == Interval{3, 5});
    IntervalList none;
    CHECK(PacketSet::where(Field::dst_port, std::span<const Interval>(none)).empty());
    CHECK(PacketSet::where(Field::dst_port, std::span<const Interval>(from_list)) ==
          PacketSet::where(Field::dst_port, v));
}

TEST_CASE("FieldRange: 48 bytes, and a condition over it means what its intervals say") {
    CHECK(sizeof(FieldRange) <= 48);
    Condition c;
    c.all_of.push_back(FieldRange{Field::protocol, {Interval{6, 6}}});
    c.all_of.push_back(FieldRange{Field::dst_port, {Interval{22, 22}, Interval{80, 80}}});
    CHECK(c.packets() == (PacketSet::where(Field::protocol, 6) &
                          PacketSet::where(Field::dst_port, {Interval{22, 22}, Interval{80, 80}})));
    CHECK(c.all_of[1].field == Field::dst_port);
    CHECK(c.all_of[1].values.size() == 2);
}
