// rulegap parsers — what the line grammars of the iptables-save and ipset save readers share:
// messages that name rules, and one diagnostic per bad line through the ErrorHandler.
// Included by their grammar_def.hpp only.
#pragma once

#include <string>

#include <boost/spirit/home/x3.hpp>

#include "parsers/common/error_handler.hpp"

// An expectation on `rule[action]` names the rule ("expected chain name"), not the action type.
namespace boost::spirit::x3 {
template <typename ID, typename Attribute, bool Force, typename Action>
struct get_info<action<rule<ID, Attribute, Force>, Action>> {
    using result_type = std::string;
    std::string operator()(action<rule<ID, Attribute, Force>, Action> const& p) const {
        return p.subject.name;
    }
};
}  // namespace boost::spirit::x3

namespace rulegap::common {

// The error handler of a grammar's outermost rule (its rule ID derives from this): one
// diagnostic per bad line, "expected <rule name>", at the ErrorHandler in the context.
struct report_line_error {
    template <typename Iterator, typename Exception, typename Context>
    boost::spirit::x3::error_handler_result on_error(Iterator&, Iterator const&, Exception const& x,
                                                     Context const& context) {
        ErrorHandler& handler = boost::spirit::x3::get<error_handler_tag>(context).get();
        handler.error(x.where(), "expected " + x.which());
        return boost::spirit::x3::error_handler_result::fail;
    }
};

}  // namespace rulegap::common
