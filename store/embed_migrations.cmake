# Generates a C++ source holding every store/migrations/NNNN_name.sql, so that the server binary
# carries its schema and applies it at start whatever its working directory.
file(GLOB files "${MIGRATIONS_DIR}/*.sql")
list(SORT files)
set(body "")
foreach(f ${files})
    get_filename_component(name ${f} NAME_WE)
    string(REGEX MATCH "^[0-9]+" version ${name})
    if(NOT version)
        message(FATAL_ERROR "migration ${f} must start with its version number")
    endif()
    math(EXPR version "${version}")
    file(READ ${f} sql)
    string(APPEND body "        {${version}, \"${name}\", R\"__roadside_sql__(${sql})__roadside_sql__\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from store/migrations by store/embed_migrations.cmake. Do not edit.
#include \"store/migrate.hpp\"

namespace roadside::store {

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all = {
${body}    };
    return all;
}

}  // namespace roadside::store
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
