#include "core/result.h"

namespace minsheng {

Error MakeError(ErrorCode kind, std::string code, std::string zh, std::string en) {
  Error e;
  e.kind = kind;
  e.code = std::move(code);
  e.zh = std::move(zh);
  e.en = std::move(en);
  return e;
}

Error InternalError(std::string log_detail) {
  Error e = MakeError(ErrorCode::kInternal, "internal", "服务器内部错误，请稍后重试",
                      "Internal server error; please try again later");
  e.log_detail = std::move(log_detail);
  return e;
}

Error NotFoundError(std::string what_zh, std::string what_en) {
  return MakeError(ErrorCode::kNotFound, "not_found", what_zh + "不存在", what_en + " not found");
}

Error ForbiddenError() {
  return MakeError(ErrorCode::kForbidden, "forbidden", "无权执行此操作",
                   "You are not allowed to do this");
}

Error ValidationError(std::vector<FieldError> fields) {
  Error e = MakeError(ErrorCode::kInvalidArgument, "validation_failed", "提交的数据有误，请检查标出的字段",
                      "Some fields are invalid; see the marked fields");
  e.fields = std::move(fields);
  return e;
}

}  // namespace minsheng
