// Asio and Beast are built with separate compilation (BOOST_*_SEPARATE_COMPILATION): their
// implementation is compiled here once instead of in every file that includes them.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
