// rulegap catalog reader — the one place the grammar is instantiated.
#include "parsers/catalog/config.hpp"
#include "parsers/catalog/grammar_def.hpp"

namespace rulegap::catalog {

BOOST_SPIRIT_INSTANTIATE(line_type, iterator_type, context_type)

}  // namespace rulegap::catalog
