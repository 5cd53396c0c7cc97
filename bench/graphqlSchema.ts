// The graphql-js contender's schema: plain SDL for the blog types (no Fraise directives), with just
// the filter and ordering inputs the benchmarked operations use.
export const blogSdl = /* GraphQL */ `
scalar DateTime
scalar JSON

enum UserRole { ADMIN AUTHOR READER }
enum PostStatus { DRAFT PUBLISHED ARCHIVED }
enum OrderDirection { ASC DESC }

type Profile { website: String, location: String }
type Tag { id: ID!, name: String! }

type User {
  id: ID!
  identifier: String!
  emailAddress: String!
  name: String!
  bio: String
  role: UserRole!
  isActive: Boolean!
  createdAt: DateTime!
  profile: Profile
}

type Post {
  id: ID!
  authorId: ID!
  title: String!
  body: String!
  status: PostStatus!
  views: Int!
  rating: Float
  publishedAt: DateTime
  createdAt: DateTime!
  tags: [Tag!]!
  metadata: JSON
  author: User!
  comments(orderBy: [CommentOrderBy!], limit: Int, offset: Int): [Comment!]!
}

type Comment {
  id: ID!
  postId: ID!
  authorId: ID!
  body: String!
  likes: Int!
  createdAt: DateTime!
  author: User!
}

input IDFilter { eq: ID }
input PostStatusFilter { eq: PostStatus, neq: PostStatus, in: [PostStatus!], nin: [PostStatus!] }
input PostWhere { status: PostStatusFilter, authorId: IDFilter }
input PostOrderBy { id: OrderDirection, createdAt: OrderDirection, views: OrderDirection }
input CommentOrderBy { createdAt: OrderDirection }

type Query {
  posts(where: PostWhere, orderBy: [PostOrderBy!], limit: Int, offset: Int): [Post!]!
  post(id: ID!): Post
  user(id: ID!): User
}
`;
