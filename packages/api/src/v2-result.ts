/** Nacos's v2 result envelope: `code` 0 and `message` "success" on success, a numeric code and its text otherwise. */
export interface V2Result<T> {
  code: number;
  message: string;
  data: T;
}
