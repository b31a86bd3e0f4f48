#include "server/problem.h"

#include <gtest/gtest.h>

#include "tests/server/test_support.h"

namespace vigie::server::testing {
namespace {

TEST(ProblemTest, EveryStatusCodeHasTheDocumentedHttpStatus) {
  EXPECT_EQ(HttpStatusOf(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusOf(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusOf(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusOf(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusOf(StatusCode::kFailedPrecondition), 422);
  EXPECT_EQ(HttpStatusOf(StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusOf(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusOf(StatusCode::kDataLoss), 500);
  EXPECT_EQ(HttpStatusOf(StatusCode::kInternal), 500);
}

TEST(ProblemTest, ClientErrorsCarryTheStatusMessage) {
  Response response = ProblemFromStatus(FailedPrecondition("the cell has no chair"));
  auto body = ExpectProblem(response, 422);
  EXPECT_EQ(body.at("detail").as_string(), "the cell has no chair");
  EXPECT_EQ(body.at("type").as_string(), "urn:vigie:problem:rule-refused");
  EXPECT_TRUE(response.log_note.empty());
}

TEST(ProblemTest, ServerErrorsHideTheCauseFromTheClientAndKeepItForTheLog) {
  Response response = ProblemFromStatus(DataLoss("bad record at /var/lib/vigie/000123.sst"));
  auto body = ExpectProblem(response, 500);
  EXPECT_EQ(body.at("detail").as_string().find("/var/lib"), boost::json::string::npos);
  EXPECT_NE(response.log_note.find("000123.sst"), std::string::npos);
}

TEST(ProblemTest, OverloadAnswersSayWhenToRetry) {
  EXPECT_EQ(ProblemFromStatus(ResourceExhausted("queue full")).Header("Retry-After"), "1");
  EXPECT_EQ(ProblemFromStatus(Unavailable("closing")).Header("Retry-After"), "1");
  EXPECT_EQ(Problem(503, "busy").Header("Retry-After"), "1");
}

TEST(ProblemTest, UnauthenticatedAsksForABearerToken) {
  EXPECT_EQ(AuthenticationRequired(false, "no token").Header("WWW-Authenticate"), "Bearer realm=\"vigie\"");
  EXPECT_NE(AuthenticationRequired(true, "bad token").Header("WWW-Authenticate").find("invalid_token"),
            std::string_view::npos);
  EXPECT_EQ(ProblemFromStatus(::vigie::Unauthenticated("x")).Header("WWW-Authenticate"),
            "Bearer realm=\"vigie\"");
}

TEST(ProblemTest, EdgeStatusesHaveTheirOwnTypes) {
  EXPECT_EQ(ExpectProblem(Problem(413, "big"), 413).at("type").as_string(), "urn:vigie:problem:body-too-large");
  EXPECT_EQ(ExpectProblem(Problem(431, "big"), 431).at("type").as_string(),
            "urn:vigie:problem:headers-too-large");
  EXPECT_EQ(ExpectProblem(Problem(405, "no"), 405).at("type").as_string(),
            "urn:vigie:problem:method-not-allowed");
  EXPECT_EQ(ExpectProblem(Problem(415, "no"), 415).at("type").as_string(),
            "urn:vigie:problem:unsupported-media-type");
}

TEST(ProblemTest, InvalidParameterNamesIt) {
  auto body = ExpectProblem(InvalidParameter("limit", "too big"), 400);
  EXPECT_EQ(body.at("parameter").as_string(), "limit");
}

}  // namespace
}  // namespace vigie::server::testing
