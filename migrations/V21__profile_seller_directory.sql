-- The profile context's published reads (business_profiles, business_logos are its
-- tables; components/profile). What another context may know of a seller:
--   seller_directory: the profile as every document names it, its logo described
--     (`fin_seller::BusinessProfile` as JSON): billing freezes it on an invoice in the
--     statement that sends it, and a share link names it while the invoice froze none;
--   seller_logos: the pictures, by owner and digest: a frozen seller's logo stays
--     readable after the profile has moved on to another.
-- The views are the contract: the profile context may reshape its tables as long as
-- these keep their columns and meaning.
CREATE VIEW seller_directory AS
SELECT p.owner_id,
       p.profile || jsonb_build_object('logo', (
           SELECT json_build_object('content_type', l.content_type, 'sha256', l.sha256,
                                    'width', l.width, 'height', l.height)
           FROM business_logos l
           WHERE l.owner_id = p.owner_id AND l.sha256 = p.logo_sha256)) AS seller
FROM business_profiles p;

CREATE VIEW seller_logos AS
SELECT owner_id, sha256, content_type, bytes
FROM business_logos;
