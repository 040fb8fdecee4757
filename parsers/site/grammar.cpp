// rulegap site reader — the one place the grammar is instantiated.
#include "parsers/site/config.hpp"
#include "parsers/site/grammar_def.hpp"

namespace rulegap::site {

BOOST_SPIRIT_INSTANTIATE(line_type, iterator_type, context_type)

}  // namespace rulegap::site
